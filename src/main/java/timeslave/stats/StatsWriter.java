package timeslave.stats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import timeslave.core.Status;
import timeslave.core.StatusListener;
import timeslave.log.Log;

/**
 * --statsdir: appends one line per measurement to {@code loopstats.YYYYMMDD} and one per new sample
 * of each master to {@code peerstats.YYYYMMDD} (UTC days, as ntpd's "filegen ... type day"), in
 * ntpd's line formats, and points the links {@code loopstats} and {@code peerstats} at today's files.
 *
 * <pre>
 * loopstats: MJD SECONDS OFFSET FREQUENCY JITTER WANDER TIMECONST [LOW HIGH]
 *   offset (s, reference − local), timetrim (ppm), offset standard error (s), skew (ppm),
 *   log2 of the update interval (s); then timeslave's own: the error bound's edges (s)
 * peerstats: MJD SECONDS SOURCE STATUS OFFSET DELAY DISPERSION JITTER
 *   STATUS is ntpd's peer status word in hex (96xx selected, 91xx falseticker, 80xx no reply),
 *   DISPERSION the sample's error bound (s), JITTER 0
 * </pre>
 */
public final class StatsWriter implements StatusListener {
    /** Days from the Modified Julian Date epoch (1858-11-17) to the POSIX epoch. */
    public static final long MJD_OF_POSIX_EPOCH = 40_587;
    static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);

    private final Path dir;
    private final Log log;
    private final Map<String, Long> lastSample = new HashMap<>();
    private long lastLoopMono = Long.MIN_VALUE;
    private boolean complained;

    public StatsWriter(Path dir, Log log) {
        this.dir = dir;
        this.log = log;
    }

    @Override
    public void published(Status s) {
        StringBuilder peers = new StringBuilder();
        for (Status.Source x : s.sources()) {
            Long prev = lastSample.get(x.name());
            if (x.sampleRealtimeNanos() != 0 && (prev == null || prev != x.sampleRealtimeNanos())) {
                lastSample.put(x.name(), x.sampleRealtimeNanos());
                peers.append(peerLine(x)).append('\n');
            }
        }
        boolean loop = s.goodMeasurements() > 0 && s.lastUpdateRealtimeNanos() != 0 && s.monoNanos() != lastLoopMono;
        try {
            if (loop && Double.isFinite(s.estimateOffsetNanos())) {
                lastLoopMono = s.monoNanos();
                append("loopstats", s.lastUpdateRealtimeNanos(), loopLine(s) + "\n");
            }
            if (peers.length() > 0) {
                append("peerstats", s.realtimeNanos(), peers.toString());
            }
            if (complained) {
                log.notice("statsdir " + dir + ": writing again");
                complained = false;
            }
        } catch (IOException e) {
            if (!complained) {
                complained = true;
                log.err("statsdir " + dir + ": cannot write: " + reason(e) + "; statistics are lost until it can");
            }
        }
    }

    private void append(String kind, long realtimeNanos, String text) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir);   // as ntpd would not: a missing --statsdir is made (mode 0755)
        }
        String day = LocalDate.ofEpochDay(Math.floorDiv(realtimeNanos, 86_400_000_000_000L)).format(DAY);
        Path f = dir.resolve(kind + "." + day);
        boolean fresh = !Files.exists(f);
        Files.writeString(f, text, StandardCharsets.US_ASCII, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        if (fresh) {
            Path link = dir.resolve(kind);
            Path tmp = dir.resolve("." + kind + ".link");
            Files.deleteIfExists(tmp);
            Files.createSymbolicLink(tmp, f.getFileName());
            Files.move(tmp, link, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** ntpd's "MJD SECONDS" pair for a POSIX time. */
    static String mjd(long realtimeNanos) {
        long day = Math.floorDiv(realtimeNanos, 86_400_000_000_000L);
        long inDay = realtimeNanos - day * 86_400_000_000_000L;
        return (day + MJD_OF_POSIX_EPOCH) + " " + String.format(Locale.ROOT, "%.3f", inDay / 1e9);
    }

    static String loopLine(Status s) {
        double interval = Math.max(1, s.intervalNanos() / 1e9);
        return String.format(Locale.ROOT, "%s %.9f %.3f %.9f %.6f %d %.9f %.9f", mjd(s.lastUpdateRealtimeNanos()),
                s.estimateOffsetNanos() / 1e9, s.timetrimNsPerSec() / 1e3, finite(s.offsetSdNanos()) / 1e9,
                finite(s.skewNsPerSec()) / 1e3, Math.round(Math.log(interval) / Math.log(2)),
                bound(s.boundLoNanos()) / 1e9, bound(s.boundHiNanos()) / 1e9);
    }

    static String peerLine(Status.Source x) {
        int select = switch (x.state()) {
            case "selected" -> 0x96;
            case "falseticker" -> 0x91;
            default -> 0x80;
        };
        return String.format(Locale.ROOT, "%s %s %04x %.9f %.9f %.9f %.9f", mjd(x.sampleRealtimeNanos()),
                x.name().replace(' ', '_'), (select << 8) | 0x14, x.offsetNanos() / 1e9, finite(x.delayNanos()) / 1e9,
                finite(x.errorNanos()) / 1e9, 0.0);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }

    /** An unknown edge of the bound is written as ±16 s (Linux's maxerror limit). */
    private static double bound(double v) {
        return Double.isFinite(v) ? v : Math.copySign(16e9, v);
    }

    private static String reason(IOException e) {
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException || e instanceof java.nio.file.NotDirectoryException
                || e instanceof java.nio.file.FileSystemException f && "Not a directory".equals(f.getReason())) {
            return "a file is in the way of the directory";
        }
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
