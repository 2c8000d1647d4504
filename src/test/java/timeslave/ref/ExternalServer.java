package timeslave.ref;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A third-party server (chronyd, inetd) run by an interop test: started in the foreground from a
 * temp directory, stopped by its own PID (SIGTERM, then SIGKILL after a bounded wait), its output kept
 * for the failure message. Tests skip, with the reason, if the binary is missing.
 */
public final class ExternalServer implements AutoCloseable {
    /** How long a server may take to exit after SIGTERM before it is killed. */
    private static final long STOP_WAIT_MILLIS = 3_000;

    private final Process process;
    private final Path output;

    private ExternalServer(Process process, Path output) {
        this.process = process;
        this.output = output;
    }

    /** Skips the calling test unless {@code binary} is an executable file. */
    public static void assumeBinary(String binary) {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(binary)),
                binary + " is not installed (Debian packages from .ci/install-deps); skipping interop test");
    }

    /** Starts {@code command} with extra environment, output to {@code dir}/server.out. */
    public static ExternalServer start(Path dir, Map<String, String> env, List<String> command) throws IOException {
        Path out = dir.resolve("server.out");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        return new ExternalServer(pb.start(), out);
    }

    public long pid() {
        return process.pid();
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** What the server printed so far (for assertion messages). */
    public String output() {
        try {
            return Files.readString(output);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /**
     * Where .ci/install-deps unpacks the third-party programs (apt-get download + dpkg-deb -x, never
     * installed as packages): $TIMESLAVE_TEST_DEPS/root, default /var/cache/timeslave-test-deps/root.
     */
    public static final Path DEPS_ROOT = Path.of(System.getenv().getOrDefault("TIMESLAVE_TEST_DEPS",
            "/var/cache/timeslave-test-deps"), "root");

    /**
     * A third-party file by its path in its Debian package ("/usr/sbin/chronyd"): the privately
     * unpacked copy under {@link #DEPS_ROOT} when there is one, else the path itself (a machine where the
     * package is installed).
     */
    public static String program(String debianPath) {
        Path unpacked = Path.of(DEPS_ROOT.toString(), debianPath);
        return Files.exists(unpacked) ? unpacked.toString() : debianPath;
    }

    /** chronyd from Debian's package chrony. */
    public static final String CHRONYD = program("/usr/sbin/chronyd");
    /** chronyc from Debian's package chrony. */
    public static final String CHRONYC = program("/usr/bin/chronyc");
    /** openbsd-inetd from Debian's package. */
    public static final String INETD = program("/usr/sbin/inetd");
    /** adjtimex(8) from Debian's package adjtimex. */
    public static final String ADJTIMEX = program("/sbin/adjtimex");
    /** socat from Debian's package socat. */
    public static final String SOCAT = program("/usr/bin/socat");
    /** libfaketime's preload library (Debian's libfaketime). */
    public static final String LIBFAKETIME = program("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
    /** rdate from Debian's package rdate (an RFC 868 client; only -p, print, is ever used),
     * installed as a package by .ci/install-deps. */
    public static final String RDATE = "/usr/sbin/rdate";
    /** ntpdig from Debian's package ntpsec-ntpdig (an SNTP client; it queries port 123 only),
     * installed as a package by .ci/install-deps. */
    public static final String NTPDIG = "/usr/bin/ntpdig";
    /** The RFC 868 port inetd's internal "time" service listens on. */
    public static final int TIME_PORT = 37;

    /**
     * chronyd as an NTP server on 127.0.0.1:{@code port}, always with -x (it never touches the clock),
     * with a config, pidfile and driftfile of its own in {@code dir}; under libfaketime's
     * {@code FAKETIME=faketime} when that is not null (e.g. "+2.5" shifts its time by +2.5 s).
     */
    public static ExternalServer chronyd(Path dir, int port, String faketime) throws IOException {
        assumeBinary(CHRONYD);
        if (faketime != null) {
            Assumptions.assumeTrue(Files.exists(Path.of(LIBFAKETIME)), LIBFAKETIME + " missing (package libfaketime); skipping");
        }
        Files.writeString(dir.resolve("chrony.conf"), String.join("\n",
                "port " + port, "bindaddress 127.0.0.1", "local stratum 1", "allow 127.0.0.1", "cmdport 0",
                "pidfile " + dir.resolve("chronyd.pid"), "driftfile " + dir.resolve("drift"), ""));
        Map<String, String> env = faketime == null ? Map.of()
                : Map.of("LD_PRELOAD", LIBFAKETIME, "FAKETIME", faketime, "FAKETIME_DONT_FAKE_MONOTONIC", "1");
        return start(dir, env, List.of(CHRONYD, "-x", "-d", "-u", "root", "-f", dir.resolve("chrony.conf").toString()));
    }

    /**
     * openbsd-inetd with only its internal RFC 868 "time" service on 127.0.0.1:37 (TCP and UDP), from a
     * config in {@code dir}; returns once the TCP port accepts connections. Skips the calling test when
     * inetd is missing or port 37 is already taken.
     */
    public static ExternalServer inetdTime(Path dir) throws IOException, InterruptedException {
        assumeBinary(INETD);
        Assumptions.assumeFalse(listening(TIME_PORT), "127.0.0.1:37 already in use; cannot start inetd's time service");
        Files.writeString(dir.resolve("inetd.conf"), "127.0.0.1:time stream tcp nowait root internal\n"
                + "127.0.0.1:time dgram udp wait root internal\n");
        ExternalServer inetd = start(dir, Map.of(), List.of(INETD, "-d", "-i", dir.resolve("inetd.conf").toString()));
        for (int i = 0; i < 50 && !listening(TIME_PORT); i++) {
            if (!inetd.alive()) {
                throw new IllegalStateException("inetd exited: " + inetd.output());
            }
            Thread.sleep(50);
        }
        return inetd;
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean listening(int port) {
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A UDP port on 127.0.0.1 that was free a moment ago. */
    public static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        ProcessHandle h = process.toHandle();
        h.destroy();   // SIGTERM to this PID only
        try {
            if (!process.waitFor(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                h.destroyForcibly();
                process.waitFor(STOP_WAIT_MILLIS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            h.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
