package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.core.Sample;
import timeslave.ref.Reference;
import timeslave.ref.References;
import timeslave.ref.serial.emu.HostTimeSource;

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
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process emu = new ProcessBuilder(java, "-Xmx32m", "-Djava.io.tmpdir=" + dir,
                    "-cp", System.getProperty("java.class.path"), "timeslave.ref.serial.emu.ReceiverEmulator",
                    "--type", "TT600", "--tty", pty.receiver.toString(), "--offset", "-0.750", "-v")
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(emu.getInputStream(), StandardCharsets.UTF_8));
                String first = out.readLine();
                assertTrue(first != null && first.contains("opened"), "emulator said: " + first);
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // discard the -v chatter
                        }
                    } catch (java.io.IOException e) {
                        // process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
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
            } finally {
                emu.destroy();
                if (!emu.waitFor(5, TimeUnit.SECONDS)) {
                    emu.destroyForcibly();
                }
            }
        }
    }
}
