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
