package timeslave.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a --statsdir back: every {@code loopstats.*} and {@code peerstats.*} file (the links are
 * skipped), lines in time order. Lines that do not parse are counted and skipped.
 */
public final class StatsFiles {
    /** One loopstats line. Times are POSIX seconds; offsets seconds; frequency and wander ppm. */
    public record Loop(double time, double offset, double freqPpm, double jitter, double wanderPpm, double low,
                       double high) {
    }

    /** One peerstats line. */
    public record Peer(double time, String source, int status, double offset, double delay, double dispersion) {
    }

    public final List<Loop> loops = new ArrayList<>();
    public final Map<String, List<Peer>> peers = new LinkedHashMap<>();
    public int badLines;

    /** Reads {@code dir}; throws with a reason fit for the user when it cannot be listed. */
    public static StatsFiles read(Path dir) throws IOException {
        StatsFiles s = new StatsFiles();
        List<Path> files;
        try (Stream<Path> l = Files.list(dir)) {
            files = l.filter(p -> !Files.isSymbolicLink(p)).sorted().toList();
        }
        List<Peer> all = new ArrayList<>();
        for (Path f : files) {
            String n = f.getFileName().toString();
            boolean loop = n.startsWith("loopstats.");
            if (!loop && !n.startsWith("peerstats.")) {
                continue;
            }
            for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
                String[] w = line.trim().split("\\s+");
                try {
                    if (loop && w.length >= 7) {
                        double off = Double.parseDouble(w[2]);
                        double lo = w.length >= 9 ? Double.parseDouble(w[7]) : Double.NaN;
                        double hi = w.length >= 9 ? Double.parseDouble(w[8]) : Double.NaN;
                        s.loops.add(new Loop(time(w), off, Double.parseDouble(w[3]), Double.parseDouble(w[4]),
                                Double.parseDouble(w[5]), lo, hi));
                    } else if (!loop && w.length >= 8) {
                        all.add(new Peer(time(w), w[2], Integer.parseInt(w[3], 16), Double.parseDouble(w[4]),
                                Double.parseDouble(w[5]), Double.parseDouble(w[6])));
                    } else if (!line.isBlank()) {
                        s.badLines++;
                    }
                } catch (NumberFormatException e) {
                    s.badLines++;
                }
            }
        }
        s.loops.sort(Comparator.comparingDouble(Loop::time));
        all.sort(Comparator.comparingDouble(Peer::time));
        for (Peer p : all) {
            s.peers.computeIfAbsent(p.source(), k -> new ArrayList<>()).add(p);
        }
        return s;
    }

    private static double time(String[] w) {
        return (Long.parseLong(w[0]) - StatsWriter.MJD_OF_POSIX_EPOCH) * 86_400.0 + Double.parseDouble(w[1]);
    }
}
