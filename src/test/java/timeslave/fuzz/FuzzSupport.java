package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;
import timeslave.ref.sntp.BadReply;

/**
 * What the fuzz targets share: a private scratch directory for the file parsers (on tmpfs when
 * there is one, so millions of writes and fsyncs cost microseconds) and the check that a rejection is
 * a well-formed {@link BadReply}.
 */
final class FuzzSupport {
    /** A stable rejection key: lower-case words joined by hyphens ("wrong-origin", "bad-label"). */
    private static final java.util.regex.Pattern REASON = java.util.regex.Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static Path scratch;

    private FuzzSupport() {
    }

    /** One scratch directory per JVM, removed at exit. */
    static synchronized Path scratch() {
        if (scratch == null) {
            try {
                Path shm = Path.of("/dev/shm");
                scratch = Files.isDirectory(shm) && Files.isWritable(shm)
                        ? Files.createTempDirectory(shm, "timeslave-fuzz") : Files.createTempDirectory("timeslave-fuzz");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path dir = scratch;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir)));
        }
        return scratch;
    }

    /** Writes {@code bytes} as the whole content of {@code name} in the scratch directory. */
    static Path write(String name, byte[] bytes) {
        Path p = scratch().resolve(name);
        try {
            Files.write(p, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** A rejection must say why, with a stable key and a detail for the log line. */
    static void assertWellFormed(BadReply bad) {
        assertNotNull(bad.reason);
        assertTrue(REASON.matcher(bad.reason).matches(), "unstable rejection key '" + bad.reason + "'");
        assertNotNull(bad.detail, "rejection without a detail");
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort at exit
        }
    }
}
