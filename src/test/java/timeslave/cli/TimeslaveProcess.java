package timeslave.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * timeslave as its own JVM, started the way bin/timeslave starts it (the main class on this test's
 * class path), always with clock writes forbidden and no options file: for tests of the real process.
 */
public final class TimeslaveProcess implements AutoCloseable {
    /** The --once line (ref/OnceLine): offset, delay, bound in seconds with 9 decimals, and the reference. */
    public static final Pattern ONCE_LINE = Pattern.compile(
            "offset=([+-]\\d+\\.\\d{9}) delay=(\\d+\\.\\d{9}) bound=(\\d+\\.\\d{9}) ref=(\\S+)");
    /** The core's per-measurement debug line (man page, DIAGNOSTICS); group 1 is the offset in seconds. */
    public static final Pattern SAMPLE_LINE = Pattern.compile("sample offset ([+-]\\d+\\.\\d+) s delay");

    /** How long a one-shot run (--once) may take. */
    private static final long RUN_LIMIT_SECONDS = 60;

    /** What a finished run printed. */
    public record Result(int status, String out, String err) {
    }

    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuilder seen = new StringBuilder();

    private TimeslaveProcess(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    lines.add(l);
                }
            } catch (IOException e) {
                lines.add("read error: " + e);
            }
            lines.add("<EOF>");
        });
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * A JVM running {@code mainClass} with this test's class path and a private (0700) java.io.tmpdir,
     * so jSerialComm and JNA never unpack native libraries into the shared /tmp (as bin/timeslave does).
     */
    public static ProcessBuilder java(String mainClass, List<String> args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx64m", "-Dtimeslave.forbidClockWrites=true",
                "-Djava.io.tmpdir=" + privateTmp(), "-Djna.tmpdir=" + privateTmp(), "-cp",
                System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("TIMESLAVE_FORBID_CLOCK_WRITES", "1");
        return pb;
    }

    private static Path privateTmp;

    /** One private temporary directory for every JVM this test JVM starts. */
    private static synchronized Path privateTmp() throws IOException {
        if (privateTmp == null) {
            privateTmp = Files.createTempDirectory("timeslave-test-jvm");   // 0700 on POSIX
            privateTmp.toFile().deleteOnExit();
        }
        return privateTmp;
    }

    private static ProcessBuilder timeslave(List<String> args) throws IOException {
        List<String> all = new ArrayList<>(args);
        all.addAll(List.of("--options", "/dev/null"));
        if (!args.contains("-u")) {
            // Run as root, a daemon would become nobody, then fail to open the test's root-owned pty.
            all.addAll(List.of("-u", "root"));
        }
        return java(Main.class.getName(), all);
    }

    /** Runs timeslave to the end (e.g. --once) and returns its status and output. */
    public static Result run(List<String> args) throws IOException, InterruptedException {
        Process p = timeslave(args).start();
        p.getOutputStream().close();
        if (!p.waitFor(RUN_LIMIT_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timeslave " + args + " did not exit within " + RUN_LIMIT_SECONDS + " s");
        }
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    /** Starts the daemon (give it -B) with stderr and stdout merged into {@link #next}'s lines. */
    public static TimeslaveProcess start(List<String> args) throws IOException {
        Process p = timeslave(args).redirectErrorStream(true).start();
        p.getOutputStream().close();
        return new TimeslaveProcess(p);
    }

    /** The next line containing {@code wanted}, waiting up to {@code seconds}; fails with all lines seen. */
    public String next(String wanted, long seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            long left = deadline - System.nanoTime();
            String line = left > 0 ? lines.poll(left, TimeUnit.NANOSECONDS) : null;
            if (line == null || line.equals("<EOF>")) {
                throw new AssertionError("no line containing \"" + wanted + "\" within " + seconds + " s"
                        + (line == null ? "" : " (the daemon exited)") + "; saw:\n" + seen);
            }
            seen.append(line).append('\n');
            if (line.contains(wanted)) {
                return line;
            }
        }
    }

    /** Every line read so far. */
    public String seen() {
        return seen.toString();
    }

    public long pid() {
        return process.pid();
    }

    /** Sends {@code signal} (e.g. "USR1") to this process only. */
    public void signal(String signal) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        if (!k.waitFor(10, TimeUnit.SECONDS) || k.exitValue() != 0) {
            throw new AssertionError("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /** Waits for the process to end and returns its status. */
    public int waitFor(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("timeslave did not exit within " + seconds + " s; saw:\n" + seen);
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
