package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.time.Sample;
import timeslave.time.Reference;
import timeslave.ref.References;
import timeslave.ref.serial.emu.HostTimeSource;
import timeslave.ref.ListLog;

/**
 * The emulator as people run it, in its own JVM through its command line (what
 * bin/timeslave-receiver-emu starts), against the reference in this one: two processes,
 * one pty pair, the -0.750 s offset recovered within 2 ms.
 */
class EmulatorProcessTest {

    @TempDir
    Path dir;

    @Test
    void separateEmulatorProcessOffsetIsRecovered() throws Exception {
        SocatPty.assumeSocat();
        try (SocatPty pty = new SocatPty(dir).start()) {
            try (EmulatorProcess emu = EmulatorProcess.start(ReceiverType.TT600, pty.receiver, "--offset", "-0.750")) {
                ListLog log = new ListLog(0);
                List<Long> errors = new ArrayList<>();
                try (Reference ref = References.serial(pty.host.toString(),
                        new EmulatorPtyTest.ReceiverTypeConfig(ReceiverType.TT600).config, new HostTimeSource(), log)) {
                    for (int i = 0; i < 3; i++) {
                        Sample s = ref.measure();
                        errors.add(s.offsetNanos() - EmulatorPtyTest.OFFSET_NANOS);
                    }
                }
                System.out.println("serial offset error ns TT600 (emulator process) " + errors);
                for (long e : errors) {
                    assertTrue(Math.abs(e) < EmulatorPtyTest.TOLERANCE_NANOS, "errors " + errors);
                }
            }
        }
    }
}
