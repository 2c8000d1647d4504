package timeslave.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.sim.Simulate;

/** timeslave-plot on the statistics of a simulated day with three masters, one a falseticker. */
class PlotTest {
    @TempDir
    Path dir;

    int plot(String... args) {
        return Plot.run(List.of(args), new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    Path simulated() {
        Path stats = dir.resolve("stats");
        int s = Simulate.run(List.of("falseticker", "--seconds", "20000", "--quiet", "--statsdir", stats.toString()),
                new PrintStream(new ByteArrayOutputStream()), System.err);
        assertEquals(0, s);
        return stats;
    }

    @Test
    void pngHasThePanelsAndEachMastersColour() throws Exception {
        Path stats = simulated();
        Path png = dir.resolve("day.png");
        assertEquals(0, plot("--statsdir", stats.toString(), "--output", png.toString()), err.toString());
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals((int) (Plot.WIDTH * Plot.PNG_SCALE), img.getWidth());
        assertEquals((int) (Plot.HEIGHT * Plot.PNG_SCALE), img.getHeight());
        for (java.awt.Color c : List.of(Plot.OFFSET, Plot.FREQ, Plot.SOURCES[0], Plot.SOURCES[1], Plot.SOURCES[2])) {
            assertTrue(count(img, c.getRGB()) > 50, "colour " + Integer.toHexString(c.getRGB()) + " drawn");
        }
    }

    @Test
    void svgHasOneSeriesPerMasterAndNamesTheFalseticker() throws Exception {
        Path stats = simulated();
        Path svg = dir.resolve("day.svg");
        assertEquals(0, plot("--statsdir", stats.toString(), "--output", svg.toString(), "--title", "a <day>"));
        String doc = Files.readString(svg);
        assertTrue(doc.startsWith("<?xml") && doc.endsWith("</svg>\n"));
        assertTrue(doc.contains(">a &lt;day&gt;</text>"), "the title is escaped");
        assertTrue(doc.contains(">sim3 (falseticker)</text>"), "the biased master is named a falseticker");
        assertTrue(doc.contains(">sim1</text>") && doc.contains(">sim2</text>"));
        assertEquals(5, doc.split("<polyline").length - 1, "offset, frequency and three masters");
    }

    @Test
    void usageAndInputErrorsAreSpecific() throws Exception {
        assertEquals(2, plot("--statsdir", dir.toString()));
        assertEquals(2, plot("--statsdir", dir.toString(), "--output", dir.resolve("x.gif").toString()));
        assertEquals(1, plot("--statsdir", dir.resolve("nope").toString(), "--output", dir.resolve("x.png").toString()));
        assertTrue(err.toString().contains("--statsdir " + dir.resolve("nope") + ": cannot read: no such directory"), err.toString());
        assertEquals(1, plot("--statsdir", dir.toString(), "--output", dir.resolve("x.png").toString()));
        assertTrue(err.toString().contains(": no loopstats or peerstats lines to plot"), err.toString());
    }

    @Test
    void ticksAreRound() {
        assertEquals(List.of(-100.0, -50.0, 0.0, 50.0, 100.0),
                java.util.Arrays.stream(Plot.ticks(-120, 130, 6)).boxed().toList());
        double[] t = Plot.timeTicks(0, 86_400);
        assertEquals(3 * 3600, t[1] - t[0], 0, "a day is marked every 3 hours");
    }

    private static int count(BufferedImage img, int rgb) {
        int n = 0;
        for (int y = 0; y < img.getHeight(); y += 2) {
            for (int x = 0; x < img.getWidth(); x += 2) {
                if ((img.getRGB(x, y) & 0xffffff) == (rgb & 0xffffff)) {
                    n++;
                }
            }
        }
        return n;
    }
}
