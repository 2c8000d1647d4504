package timeslave.clockbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/timeslave-now's one line and exit status. */
class PrintNowTest {
    @TempDir
    Path dir;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return PrintNow.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path segment(int status) throws Exception {
        ByteBuffer b = ByteBuffer.allocate(80);
        long now = System.nanoTime();
        BoundedClockTest.segment(b, 2, now, now + 1_000_000_000_000L, 1_500_000, 0, status);
        Path p = dir.resolve("shm0");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void printsTheIntervalAndItsHalfWidth() throws Exception {
        assertEquals(0, run(segment(1).toString()));
        String line = out.toString(StandardCharsets.UTF_8).strip();
        assertTrue(line.matches("earliest=\\S+Z latest=\\S+Z bound=\\+-0\\.001500000 status=(synchronized|free_running)"), line);
    }

    @Test
    void noBoundNoSegmentOrABadCommandLineFail() throws Exception {
        assertEquals(1, run(segment(0).toString()));
        assertEquals("status=unknown: no bound", out.toString(StandardCharsets.UTF_8).strip());
        assertEquals(1, run(dir.resolve("missing").toString()));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("missing: no such file (is timeslave running with --clockbound-shm?)"));
        assertEquals(2, run("-x"));
    }
}
