package timeslave.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import timeslave.core.TimetrimStore;
import timeslave.log.Log;

/**
 * The -P file: the timetrim (ns/s added to each second, positive = faster), kept across runs.
 *
 * <p>Reads IRIX's format ({@code long timetrim = N;}, optionally followed by {@code double tot_adj = X;}
 * and {@code double tot_ticks = Y;}, with C comments) and the old one-number format; writes
 * {@code long timetrim = N;} and a comment line through {@link AtomicFile}, so the file is never
 * half-written and nothing planted beside it is followed. Reading goes through {@link RegularFile}:
 * a FIFO, device or oversized file is one error line and the daemon goes on as if there were no file,
 * until its next save replaces whatever is at the name. A file in a directory that anyone may write
 * (without the sticky bit) is neither read nor saved: anyone could have replaced it.
 */
public final class TimetrimFile implements TimetrimStore {
    /** |timetrim| limit, ns/s: IRIX's kernel limit (±3000 ppm), which Linux reaches with freq plus tick. */
    public static final long MAX_TIMETRIM_NS_PER_SEC = 3_000_000L;
    /**
     * The most the file may hold, bytes: IRIX's file is under 100 bytes and ours two lines; 4 KiB leaves
     * room for an administrator's comment and keeps a hostile file from costing more than a page.
     */
    public static final int MAX_FILE_BYTES = 4096;
    /** A C double; each part unambiguous, so matching is linear in the length. */
    private static final String NUMBER = "[+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?";
    private static final Pattern IRIX = Pattern.compile("\\s*long\\s+timetrim\\s*=\\s*([+-]?[0-9]{1,18})\\s*;"
            + "(?:\\s*double\\s+tot_adj\\s*=\\s*" + NUMBER + "\\s*;\\s*double\\s+tot_ticks\\s*=\\s*" + NUMBER
            + "\\s*;)?\\s*");
    private static final Pattern BARE = Pattern.compile("\\s*([+-]?[0-9]{1,18})\\s*");

    private final Path file;
    private final Log log;
    private final String version;
    /** Why the last save failed (null: it did not), so a repeated failure is logged once. */
    private String lastSaveFailure;

    /**
     * @param version written into the comment line ("timeslave 0.1.0")
     */
    public TimetrimFile(Path file, Log log, String version) {
        this.file = file;
        this.log = log;
        this.version = version;
    }

    public Path path() {
        return file;
    }

    /**
     * The timetrim in {@code text}, or empty if the text is not one of the accepted formats; never
     * throws, and takes time linear in the length of the text.
     */
    static OptionalLong parse(String text) {
        String s = withoutComments(text);
        Matcher m = IRIX.matcher(s);
        if (!m.matches()) {
            m = BARE.matcher(s);
            if (!m.matches()) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(m.group(1)));
    }

    /** Each C comment replaced by a blank; an unterminated one is left in place (and then matches nothing). */
    static String withoutComments(String text) {
        StringBuilder b = new StringBuilder(text.length());
        int from = 0;
        while (true) {
            int open = text.indexOf("/*", from);
            int close = open < 0 ? -1 : text.indexOf("*/", open + 2);
            if (close < 0) {
                return b.append(text, from, text.length()).toString();
            }
            b.append(text, from, open).append(' ');
            from = close + 2;
        }
    }

    /** What {@link #save} writes. */
    String render(long timetrimNsPerSec, Instant now) {
        return "long timetrim = " + timetrimNsPerSec + ";\n/* " + version + ": ns/s added to each second, saved "
                + now + " */\n";
    }

    /** Removes a stale {@code FILE.tmp}, then reads the file; at start, once. */
    @Override
    public OptionalLong load() {
        Optional<Path> open = AtomicFile.replaceableByOthers(file);
        if (open.isPresent()) {
            log.err(file + ": cannot read: " + unsafe(open.get()));
            return OptionalLong.empty();
        }
        try {
            if (AtomicFile.removeStaleTemporary(file)) {
                log.info(AtomicFile.temporary(file) + ": removed, left by an unfinished save");
            }
        } catch (IOException e) {
            log.warning(AtomicFile.temporary(file) + ": cannot remove the stale temporary file: "
                    + RegularFile.reason(e));
        }
        String text;
        try {
            text = new String(RegularFile.read(file, MAX_FILE_BYTES), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            log.err(file + ": cannot read: " + RegularFile.reason(e));
            return OptionalLong.empty();
        }
        if (text.isBlank()) {
            return OptionalLong.empty();
        }
        OptionalLong trim = parse(text);
        if (trim.isEmpty()) {
            log.err(file + ": unrecognized contents");
            return OptionalLong.empty();
        }
        if (Math.abs(trim.getAsLong()) > MAX_TIMETRIM_NS_PER_SEC) {
            log.err(file + ": timetrim " + trim.getAsLong() + " ns/s is beyond +-" + MAX_TIMETRIM_NS_PER_SEC);
            return OptionalLong.empty();
        }
        log.debug(1, file + ": timetrim " + trim.getAsLong() + " ns/s");
        return trim;
    }

    /**
     * Saves through {@link AtomicFile}. A failure is an error line; the same failure again (the core
     * retries each measurement until a save succeeds) is a debug line, so a read-only or unsafe
     * directory does not fill the log.
     */
    @Override
    public boolean save(long timetrimNsPerSec) {
        if (Math.abs(timetrimNsPerSec) > MAX_TIMETRIM_NS_PER_SEC) {
            log.err(file + ": not saving timetrim " + timetrimNsPerSec + " ns/s: beyond +-" + MAX_TIMETRIM_NS_PER_SEC);
            return false;
        }
        String failure;
        Optional<Path> open = AtomicFile.replaceableByOthers(file);
        if (open.isPresent()) {
            failure = unsafe(open.get());
        } else {
            try {
                AtomicFile.write(file, render(timetrimNsPerSec, Instant.now()).getBytes(StandardCharsets.UTF_8));
                failure = null;
            } catch (IOException e) {
                failure = RegularFile.reason(e);
            }
        }
        if (failure != null) {
            String line = file + ": cannot save timetrim: " + failure;
            if (failure.equals(lastSaveFailure)) {
                log.debug(1, line);
            } else {
                log.err(line);
            }
            lastSaveFailure = failure;
            return false;
        }
        lastSaveFailure = null;
        log.debug(1, file + ": saved timetrim " + timetrimNsPerSec + " ns/s");
        return true;
    }

    private static String unsafe(Path dir) {
        return "directory " + dir + " is writable by others and not sticky";
    }

    /** -Y: the UTC year of the file's modification date; empty (after one error line) if it cannot be read. */
    public OptionalInt modificationYear() {
        try {
            Instant mtime = Files.getLastModifiedTime(file).toInstant();
            return OptionalInt.of(mtime.atZone(ZoneOffset.UTC).getYear());
        } catch (IOException e) {
            log.err(file + ": -Y: cannot read the modification date: " + RegularFile.reason(e));
            return OptionalInt.empty();
        }
    }
}
