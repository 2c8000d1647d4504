package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import timeslave.cli.TimeslaveProcess;

/**
 * Issue 4 end to end: the receiver emulator in its own JVM on one side of a socat pty, timeslave on
 * the other, for each receiver type: {@code --once -C PTY -c TYPE} prints the one-line measurement, and
 * the daemon ({@code -B -m -d}) recovers the emulator's −0.750 s within 2 ms, measurement after measurement.
 */
class SerialDaemonProcessTest {
    static final double OFFSET_SECONDS = EmulatorPtyTest.OFFSET_NANOS / 1e9;
    static final double TOLERANCE_SECONDS = EmulatorPtyTest.TOLERANCE_NANOS / 1e9;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"PST_WWV", "TRC_WWV", "TT600"})
    @Timeout(120)
    void onceAndDaemonRecoverTheEmulatorsOffset(String type) throws Exception {
        SocatPty.assumeSocat();
        try (SocatPty pty = new SocatPty(dir).start()) {
            try (EmulatorProcess emu = EmulatorProcess.start(ReceiverType.valueOf(type), pty.receiver, "--offset", "-0.750")) {
                TimeslaveProcess.Result once = TimeslaveProcess.run(List.of("--once", "-C", pty.host.toString(), "-c", type));
                Matcher m = TimeslaveProcess.ONCE_LINE.matcher(once.out().strip());
                assertTrue(once.status() == 0 && m.matches(), "exit " + once.status() + " [" + once.out() + "] " + once.err());
                assertEquals(OFFSET_SECONDS, Double.parseDouble(m.group(1)), TOLERANCE_SECONDS, once.out());
                assertEquals(pty.host.toString(), m.group(4));

                try (TimeslaveProcess daemon = TimeslaveProcess.start(List.of("-B", "-m", "-d", "-C", pty.host.toString(),
                        "-c", type, "-r", "5", "--syslog", "none"))) {
                    for (int i = 0; i < 2; i++) {
                        Matcher s = TimeslaveProcess.SAMPLE_LINE.matcher(daemon.next("sample offset", 60));
                        assertTrue(s.find(), daemon.seen());
                        assertEquals(OFFSET_SECONDS, Double.parseDouble(s.group(1)), TOLERANCE_SECONDS, daemon.seen());
                    }
                    daemon.signal("TERM");
                    daemon.next("stopped by SIGTERM", 30);
                    assertEquals(0, daemon.waitFor(30));
                }
            }
        }
    }
}
