package timeslave.uml;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * One User-Mode Linux guest: a real Linux kernel (Debian's {@code linux.uml}) run as an ordinary
 * process with a clock of its own, the host's / as its root (hostfs) and {@code uml/init.sh} as
 * PID 1, which runs the test's {@code run.sh} from a scratch directory and powers off.
 *
 * <p>Safety: {@code linux.uml} is always started under {@code setpriv --bounding-set -sys_time
 * --inh-caps -sys_time}, so no process in the guest holds CAP_SYS_TIME on the host; every clock
 * write in the guest acts on the guest kernel's own timekeeper. The guest writes only below its
 * scratch directory (the init script puts tmpfs on /tmp and /run). {@link #close} ends only this
 * guest's processes: the {@code linux.uml} PID we started and its helpers, found by the unique
 * {@code umid=} word on their command line. The tap, if any, is the caller's to close.
 */
public final class UmlGuest implements AutoCloseable {
    /** Debian's user-mode-linux kernel, unpacked privately by .ci/install-deps or installed. */
    public static final Path LINUX_UML = Path.of(timeslave.ref.ExternalServer.program("/usr/bin/linux.uml"));
    public static final Path SETPRIV = Path.of("/usr/bin/setpriv");
    public static final Path TASKSET = Path.of("/usr/bin/taskset");
    /** Enough for a small JVM in the guest; pages are only used as touched. */
    static final String MEMORY = "mem=512M";
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private final Process process;
    private final String umid;
    private final Path scratch;

    private UmlGuest(Process process, String umid, Path scratch) {
        this.process = process;
        this.umid = umid;
        this.scratch = scratch;
    }

    /** Skips the calling test, saying why, where a UML guest cannot run. */
    public static void assumeRunnable() {
        Assumptions.assumeTrue(Files.isExecutable(LINUX_UML),
                LINUX_UML + " missing (Debian package user-mode-linux, .ci/install-deps): no real-kernel tests");
        Assumptions.assumeTrue(Files.isExecutable(SETPRIV), SETPRIV + " missing: linux.uml is never run without it");
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "not root: the real-kernel tests need root (taps, reading the guest's memory)");
    }

    /** What to boot. */
    public static final class Spec {
        final String runScript;
        Tap tap;
        long shiftNanos;
        String date;
        int cpu = -1;
        final Map<String, String> env = new LinkedHashMap<>();
        final Map<String, String> files = new LinkedHashMap<>();

        /** {@code runScript}: the shell script the guest runs (from its scratch directory) before powering off. */
        public Spec(String runScript) {
            this.runScript = runScript;
        }

        /** Connects the guest to {@code tap} (its vec0). */
        public Spec tap(Tap t) {
            this.tap = t;
            return this;
        }

        /** Steps the guest's clock by this much before run.sh. */
        public Spec shiftNanos(long n) {
            this.shiftNanos = n;
            return this;
        }

        /** Sets the guest's clock to this UTC date (date -s syntax) before run.sh. */
        public Spec date(String d) {
            this.date = d;
            return this;
        }

        /**
         * Runs the guest on this host CPU only ({@code taskset -c}, inherited by every host process the
         * guest kernel starts for its own processes); -1 (the default) for any.
         */
        public Spec cpu(int c) {
            this.cpu = c;
            return this;
        }

        /** A file to put in the scratch directory before the guest boots. */
        public Spec file(String name, String content) {
            files.put(name, content);
            return this;
        }

        /** An extra environment variable for run.sh (a KEY=VALUE word on the kernel's command line: no spaces). */
        public Spec env(String key, String value) {
            env.put(key, value);
            return this;
        }
    }

    /**
     * Boots a guest; its scratch directory is made below {@code target/uml-scratch}. The guest covers
     * /tmp and /run with its own tmpfs; a project checked out below them (a CI clone) is kept visible
     * at its own path by the init script (UML_KEEP).
     */
    public static UmlGuest boot(Spec spec) throws IOException {
        assumeRunnable();
        String umid = "tsuml-" + ProcessHandle.current().pid() + "-" + COUNTER.incrementAndGet() + "-"
                + Long.toHexString(System.nanoTime() & 0xffffff);
        Path scratch = Path.of("target", "uml-scratch", umid).toAbsolutePath();
        Files.createDirectories(scratch);
        Path init = scratch.resolve("init.sh");
        try (InputStream in = UmlGuest.class.getResourceAsStream("/uml/init.sh")) {
            if (in == null) {
                throw new IOException("uml/init.sh not on the test class path");
            }
            Files.write(init, in.readAllBytes());
        }
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(scratch.resolve("run.sh"), spec.runScript, StandardCharsets.UTF_8);
        for (Map.Entry<String, String> f : spec.files.entrySet()) {
            Files.writeString(scratch.resolve(f.getKey()), f.getValue(), StandardCharsets.UTF_8);
        }
        List<String> cmd = new ArrayList<>();
        if (spec.cpu >= 0) {
            cmd.addAll(List.of(TASKSET.toString(), "-c", Integer.toString(spec.cpu)));
        }
        cmd.addAll(List.of(SETPRIV.toString(), "--bounding-set", "-sys_time", "--inh-caps", "-sys_time",
                LINUX_UML.toString(), MEMORY, "umid=" + umid, "uml_dir=" + scratch,
                "root=/dev/root", "rootfstype=hostfs", "rootflags=/", "rw", "quiet",
                "con=null", "con0=null,fd:1", "ssl=null", "initcall_blacklist=raid6_select_algo",
                "init=" + init, "UML_SCRATCH=" + scratch, "UML_KEEP=" + Path.of("").toAbsolutePath()));
        if (spec.tap != null) {
            cmd.add(spec.tap.guestDevice());
            cmd.add("UML_NET=" + spec.tap.guestNet().replace(' ', ','));
        }
        if (spec.shiftNanos != 0) {
            cmd.add("UML_SHIFT_NS=" + spec.shiftNanos);
        }
        if (spec.date != null) {
            cmd.add("UML_DATE=" + spec.date.replace(' ', '_'));
        }
        spec.env.forEach((k, v) -> {
            if (v.contains(" ")) {
                throw new IllegalArgumentException("kernel command-line values cannot hold spaces: " + k + "=" + v);
            }
            cmd.add(k + "=" + v);
        });
        Files.writeString(scratch.resolve("command"), String.join(" ", cmd) + "\n");
        Process p = new ProcessBuilder(cmd).directory(scratch.toFile()).redirectErrorStream(true)
                .redirectOutput(scratch.resolve("console.out").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        return new UmlGuest(p, umid, scratch);
    }

    /** The PID of linux.uml (setpriv execs it): the process whose memory holds the guest kernel. */
    public long pid() {
        return process.pid();
    }

    public Path scratch() {
        return scratch;
    }

    public String umid() {
        return umid;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits for the guest to power off; true if it did within the time. */
    public boolean waitFor(long seconds) throws InterruptedException {
        return process.waitFor(seconds, TimeUnit.SECONDS);
    }

    /** What init.sh and run.sh printed (guest.out in the scratch directory). */
    public String output() {
        return read("guest.out");
    }

    /** A file the guest wrote in its scratch directory, or a note that it is missing. */
    public String read(String file) {
        try {
            return Files.readString(scratch.resolve(file));
        } catch (IOException e) {
            return "(no " + file + ": " + e.getMessage() + ")";
        }
    }

    /** Everything useful for an assertion message: the guest's output and the kernel console's tail. */
    public String diagnostics() {
        String console = read("console.out");
        return "guest " + umid + " output:\n" + output() + "\nconsole tail:\n"
                + console.substring(Math.max(0, console.length() - 2000));
    }

    /** The guest's clock as the host reads it (read-only). */
    public GuestClock clock() throws IOException, InterruptedException {
        return GuestClock.attach(this);
    }

    /** PIDs of this guest's processes on the host: linux.uml and its helpers, by their unique umid= word. */
    List<Long> processes() {
        List<Long> pids = new ArrayList<>();
        String word = "umid=" + umid;
        try (var dirs = Files.list(Path.of("/proc"))) {
            for (Path d : dirs.toList()) {
                String n = d.getFileName().toString();
                if (!n.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(d.resolve("cmdline")), StandardCharsets.UTF_8);
                    for (String w : cmdline.split("\0")) {
                        if (w.equals(word)) {
                            pids.add(Long.parseLong(n));
                            break;
                        }
                    }
                } catch (IOException gone) {
                    // the process ended while we looked
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return pids;
    }

    @Override
    public void close() {
        try {
            if (process.isAlive() && !process.waitFor(1, TimeUnit.SECONDS)) {
                process.destroy();
                if (!process.waitFor(5, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            }
            for (long pid : processes()) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
