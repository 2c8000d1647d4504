package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/timeslave's detaching, with {@link FakeDaemon} in place of the real jar. */
class LauncherTest {
    @TempDir
    Path dir;

    private final List<Long> started = new ArrayList<>();

    /** A timeslave.jar whose Main-Class is FakeDaemon, found through the test classes directory. */
    private Path fakeHome() throws IOException {
        Path classes = Path.of(FakeDaemon.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeDaemon.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
        Path home = Files.createDirectories(dir.resolve("home"));
        try (OutputStream o = Files.newOutputStream(home.resolve("timeslave.jar"));
             JarOutputStream j = new JarOutputStream(o, m)) {
            j.flush();
        }
        return home;
    }

    private record Result(int status, String stdout, String stderr, Map<String, String> report) {
    }

    private Result launch(Map<String, String> env, String... args) throws Exception {
        Path launcher = Path.of("bin/timeslave").toAbsolutePath();
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/setsid")), "setsid(1) is not installed (util-linux)");
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        Path work = Files.createDirectories(dir.resolve("work"));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile());
        Path report = dir.resolve("report");
        pb.environment().put("TIMESLAVE_HOME", fakeHome().toString());
        pb.environment().put("TIMESLAVE_NATIVE_DIR", dir.resolve("native").toString());
        pb.environment().put("TMPDIR", dir.toString());
        pb.environment().put("FAKE_DAEMON_REPORT", report.toString());
        pb.environment().putAll(env);
        pb.redirectOutput(dir.resolve("out").toFile()).redirectError(dir.resolve("err").toFile());
        pb.environment().put("TIMESLAVE_READY_TIMEOUT", "20");
        Process p = pb.start();
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroy();
        }
        Map<String, String> r = new HashMap<>();
        if (Files.exists(report)) {
            for (String line : Files.readAllLines(report)) {
                String[] kv = line.split("=", 2);
                r.put(kv[0], kv[1]);
            }
            started.add(Long.parseLong(r.get("pid")));
        }
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the launcher returned; stderr: "
                + Files.readString(dir.resolve("err")) + "; report: " + r);
        return new Result(p.exitValue(), Files.readString(dir.resolve("out"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err"), StandardCharsets.UTF_8), r);
    }

    @AfterEach
    void stopWhatWeStarted() {
        for (long pid : started) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        }
    }

    @Test
    void detachesIntoANewSessionInRootAndExitsSilently() throws Exception {
        Result r = launch(Map.of(), "-dm", "-C/dev/ttyB", "-H", "m");
        assertEquals(0, r.status(), r.stderr());
        assertEquals("", r.stdout());
        assertEquals("", r.stderr());
        assertEquals(r.report().get("pid"), r.report().get("sid"), "setsid: the JVM leads its own session");
        assertEquals("/", r.report().get("cwd"));
        assertEquals(dir.resolve("work").toString(), r.report().get("start"));
        assertEquals("/dev/null", r.report().get("stdin"));
        assertTrue(r.report().get("args").startsWith("--detached " + dir), r.report().get("args"));
        assertTrue(r.report().get("args").endsWith(" -dm -C/dev/ttyB -H m"), r.report().get("args"));
        long pid = Long.parseLong(r.report().get("pid"));
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the daemon runs on");
    }

    @Test
    void aStartUpFailureIsReportedWithTheDaemonsStatus() throws Exception {
        Result r = launch(Map.of("FAKE_DAEMON_FAIL", "1"), "-H", "nowhere");
        assertEquals(1, r.status());
        assertEquals("timeslave: cannot open nowhere: unknown host\n", r.stderr());
        assertEquals("", r.stdout());
    }

    @Test
    void foregroundOptionsRunInPlace() throws Exception {
        for (String[] args : List.of(new String[] {"-B", "-H", "m"}, new String[] {"-dBm", "-H", "m"},
                new String[] {"--once", "-H", "m"})) {
            Result r = launch(Map.of("FAKE_DAEMON_FAIL", "1"), args);
            assertEquals(1, r.status());
            assertTrue(!r.report().get("args").contains("--detached"), String.join(" ", args) + " stays in front");
            assertEquals(dir.resolve("work").toString(), r.report().get("cwd"));
        }
    }

    @Test
    void aBInTheOptionsFileKeepsTheDaemonInFront() throws Exception {
        Path file = Files.writeString(dir.resolve("opts"), "-H m   # the master\n-dB\n");
        for (String[] args : List.of(new String[] {"--options", file.toString()},
                new String[] {"--options=" + file})) {
            Result r = launch(Map.of("FAKE_DAEMON_FAIL", "1"), args);
            assertEquals(1, r.status());
            assertTrue(!r.report().get("args").contains("--detached"), String.join(" ", args) + " stays in front");
        }
    }

    @Test
    void aBInAnOptionsFileCommentOrValueStillDetaches() throws Exception {
        Path file = Files.writeString(dir.resolve("opts"), "-H B # -B is not wanted here\n#-B\n-P B\n");
        Result r = launch(Map.of(), "--options", file.toString());
        assertEquals(0, r.status(), r.stderr());
        assertTrue(r.report().get("args").startsWith("--detached "), r.report().get("args"));
    }

    @Test
    void anOptionsFileThatIsAFifoOrADirectoryIsLeftToTheDaemonToRefuse() throws Exception {
        // The launcher looks for -B in the options file before detaching; a FIFO there (issue 9,
        // failure 7) hung it in open(2) for ever, a directory made bash print its own read error.
        Path fifo = dir.resolve("fifo");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0, "mkfifo(1) failed");
        Path directory = Files.createDirectories(dir.resolve("opts.d"));
        for (Path file : List.of(fifo, directory)) {
            Result r = launch(Map.of("FAKE_DAEMON_FAIL", "1"), "--options", file.toString());
            assertEquals(1, r.status(), file + ": the daemon's own status; stderr: " + r.stderr());
            assertEquals("timeslave: cannot open nowhere: unknown host\n", r.stderr(), file.toString());
            assertTrue(r.report().get("args").startsWith("--detached "), r.report().get("args"));
        }
    }
}
