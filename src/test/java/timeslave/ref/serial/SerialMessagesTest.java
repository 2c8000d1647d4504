package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import org.junit.jupiter.api.Test;
import timeslave.os.SystemTime;

/** ops12: serial errors in words, not "errno 25" or jSerialComm's "invalid port descriptor". */
class SerialMessagesTest {

    @Test
    void aFileThatIsNoTtySaysSo() {
        IOException e = assertThrows(IOException.class, () -> JSerialCommLine.open("/dev/null", new SystemTime()));
        assertEquals("open(/dev/null): not a serial port (ENOTTY)", e.getMessage());
    }

    @Test
    void errnosAreNamed() {
        assertEquals("no such file (ENOENT)", JSerialCommLine.errno(2));
        assertEquals("in use by another program (EBUSY)", JSerialCommLine.errno(16));
        assertEquals("error 99", JSerialCommLine.errno(99));
    }

    /** A receiver that keeps silent to -c TT600's queries (a PST on the line, say) hints at -c. */
    @org.junit.jupiter.api.Test
    void silenceHintsAtTheClockType(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        SocatPty.assumeSocat();
        try (SocatPty pty = new SocatPty(dir).start()) {
            EmulatorPtyTest.ReceiverTypeConfig c = new EmulatorPtyTest.ReceiverTypeConfig(ReceiverType.TT600);
            try (timeslave.time.Reference r = timeslave.ref.References.serial(pty.host.toString(), c.config, new SystemTime(),
                    new timeslave.ref.ListLog(0))) {
                timeslave.time.MeasurementException e = assertThrows(timeslave.time.MeasurementException.class, r::measure);
                assertEquals("receiver " + pty.host + " not answering (no reply to TT600 queries: check -c, the cable and"
                        + " the port)", e.getMessage());
            }
        }
    }
}
