package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The real daemon process in the foreground (-B -m) against loopback: start line, SIGUSR1/SIGUSR2,
 * SIGTERM. Skipped (with the reason) while the network reference cannot be opened on this branch.
 */
class DaemonProcessTest {
    private Process daemon;

    @AfterEach
    void stop() throws InterruptedException {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroyForcibly();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String next(BlockingQueue<String> lines, String wanted) throws InterruptedException {
        StringBuilder seen = new StringBuilder();
        while (true) {
            String line = lines.poll(30, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no line containing \"" + wanted + "\"; saw:\n" + seen);
            }
            seen.append(line).append('\n');
            if (line.contains(wanted) || line.contains("cannot open") || line.equals("<EOF>")) {
                return line;
            }
        }
    }

    private void kill(String signal) throws Exception {
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(daemon.pid())).inheritIO().start();
        assertTrue(k.waitFor(10, TimeUnit.SECONDS));
    }

    @Test
    void foregroundDaemonChangesDebugLevelOnSignalsAndStopsCleanly() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-Dtimeslave.forbidClockWrites=true", "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "-B", "-m", "-H", "127.0.0.1",
                "-r", "5", "-w", "0.2", "-W", "0.5", "--syslog", "none", "--options", "/dev/null"));
        pb.environment().put("TIMESLAVE_FORBID_CLOCK_WRITES", "1");
        pb.redirectErrorStream(true);
        daemon = pb.start();
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(daemon.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (java.io.IOException e) {
                lines.add("read error: " + e);
            }
            lines.add("<EOF>");
        });
        reader.setDaemon(true);
        reader.start();

        String start = next(lines, " started: ");
        assumeFalse(start.contains("cannot open"), "the network reference cannot be opened yet: " + start);
        assertTrue(start.startsWith("timeslave: timeslave ") && start.contains(" started: -H 127.0.0.1 "), start);
        kill("USR1");
        assertEquals("timeslave: debugging increased to 1", next(lines, "debugging increased"));
        kill("USR1");
        assertEquals("timeslave: debugging increased to 2", next(lines, "debugging increased"));
        kill("USR2");
        assertEquals("timeslave: debugging decreased to 1", next(lines, "debugging decreased"));
        kill("TERM");
        assertEquals("timeslave: stopped by SIGTERM", next(lines, "stopped by"));
        assertTrue(daemon.waitFor(30, TimeUnit.SECONDS), "the daemon exited");
        assertEquals(0, daemon.exitValue());
    }
}
