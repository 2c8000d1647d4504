package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.opentest4j.AssertionFailedError;

/** Files an attacker or a careless administrator might point the daemon at, for the tests of reading them. */
public final class HostileFiles {
    private HostileFiles() {
    }

    /** A FIFO made by mkfifo(1): opening it for reading blocks until a writer comes. */
    public static Path fifo(Path p) throws IOException, InterruptedException {
        Process mk = new ProcessBuilder("mkfifo", p.toString()).redirectErrorStream(true).start();
        if (!mk.waitFor(30, TimeUnit.SECONDS)) {
            mk.destroyForcibly();
        }
        assertEquals(0, mk.exitValue(), "mkfifo " + p + ": " + new String(mk.getInputStream().readAllBytes(),
                StandardCharsets.UTF_8));
        return p;
    }

    /** How long a read of a FIFO may take before the test calls it hung: generous for a loaded machine. */
    static final Duration HUNG = Duration.ofSeconds(20);

    /**
     * Runs {@code reading}, which must not block on {@code fifo}; fails after {@link #HUNG} if it does,
     * and then releases the reader stuck in open(2) so the test JVM is not left with a blocked thread.
     */
    public static <T> T withoutHanging(Path fifo, ThrowingSupplier<T> reading) {
        try {
            return assertTimeoutPreemptively(HUNG, reading, "blocked on the FIFO " + fifo);
        } catch (AssertionFailedError e) {
            release(fifo);
            throw e;
        }
    }

    /** Opens the FIFO for writing and closes it again, from a thread of its own: a reader stuck on it goes on. */
    public static void release(Path fifo) {
        Thread t = new Thread(() -> {
            try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                out.flush();
            } catch (IOException ignored) {
                // the FIFO is gone with its temporary directory: nothing was stuck on it
            }
        }, "release " + fifo);
        t.setDaemon(true);
        t.start();
        try {
            t.join(RELEASE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long to wait for the stuck reader to take the release, before the test deletes the FIFO. */
    private static final long RELEASE_WAIT_MILLIS = 5_000;

    /** A sparse file of {@code bytes} zeros: large to read, nothing on disk. */
    public static Path sparse(Path p, long bytes) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return p;
    }

    /** {@code bytes} blanks and newlines, written for real (the 6 MB of blanks). */
    public static Path blanks(Path p, int bytes) throws IOException {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (i % 80 == 79 ? '\n' : ' ');
        }
        Files.write(p, b);
        return p;
    }
}
