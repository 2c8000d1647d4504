package timeslave.ref.serial;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import timeslave.ref.ExternalServer;
import org.junit.jupiter.api.Assumptions;

/**
 * A pseudo-terminal pair made by socat ({@code socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B}),
 * started and stopped by its own PID; stopping and starting again is "unplug" and "replug".
 */
final class SocatPty implements AutoCloseable {

    /** How long socat may take to create its links. */
    static final long LINK_WAIT_MILLIS = 5_000;

    final Path host;
    final Path receiver;
    private final Path log;
    private Process process;

    SocatPty(Path dir) {
        this.host = dir.resolve("host");
        this.receiver = dir.resolve("receiver");
        this.log = dir.resolve("socat.log");
    }

    static void assumeSocat() {
        Assumptions.assumeTrue(new File(ExternalServer.SOCAT).canExecute(),
                ExternalServer.SOCAT + " is missing (Debian package socat, from .ci/install-deps): pty tests skipped");
    }

    /** Starts socat and waits for both links. */
    SocatPty start() throws IOException, InterruptedException {
        process = new ProcessBuilder(ExternalServer.SOCAT, "-d", "-d", "pty,raw,echo=0,link=" + host,
                "pty,raw,echo=0,link=" + receiver)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LINK_WAIT_MILLIS);
        while (!(Files.exists(host) && Files.exists(receiver))) {
            if (System.nanoTime() > end || !process.isAlive()) {
                close();
                throw new IOException("socat did not create " + host + " and " + receiver + ": " + Files.readString(log));
            }
            Thread.sleep(10);
        }
        return this;
    }

    /** Kills socat by its PID and waits for it: both ttys vanish. */
    void stop() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(2, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(2, TimeUnit.SECONDS);
            }
            process = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
