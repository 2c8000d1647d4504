package timeslave.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
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
 * {@code long timetrim = N;} and a comment line. Writes are atomic: {@code file.tmp}, forced to disk,
 * renamed over the file, then the directory forced, so the file is never half-written.
 */
public final class TimetrimFile implements TimetrimStore {
    /** |timetrim| limit, ns/s: IRIX's kernel limit (±3000 ppm), which Linux reaches with freq plus tick. */
    public static final long MAX_TIMETRIM_NS_PER_SEC = 3_000_000L;
    private static final String NUMBER = "[+-]?(?:[0-9]+\\.?[0-9]*|\\.[0-9]+)(?:[eE][+-]?[0-9]+)?";
    private static final Pattern IRIX = Pattern.compile("\\s*long\\s+timetrim\\s*=\\s*([+-]?[0-9]{1,18})\\s*;"
            + "(?:\\s*double\\s+tot_adj\\s*=\\s*" + NUMBER + "\\s*;\\s*double\\s+tot_ticks\\s*=\\s*" + NUMBER
            + "\\s*;)?\\s*");
    private static final Pattern BARE = Pattern.compile("\\s*([+-]?[0-9]{1,18})\\s*");
    private static final Pattern COMMENT = Pattern.compile("/\\*.*?\\*/", Pattern.DOTALL);

    private final Path file;
    private final Log log;
    private final String version;

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

    /** The timetrim in {@code text}, or empty if the text is not one of the accepted formats. */
    static OptionalLong parse(String text) {
        String s = COMMENT.matcher(text).replaceAll(" ");
        Matcher m = IRIX.matcher(s);
        if (!m.matches()) {
            m = BARE.matcher(s);
            if (!m.matches()) {
                return OptionalLong.empty();
            }
        }
        return OptionalLong.of(Long.parseLong(m.group(1)));
    }

    /** What {@link #save} writes. */
    String render(long timetrimNsPerSec, Instant now) {
        return "long timetrim = " + timetrimNsPerSec + ";\n/* " + version + ": ns/s added to each second, saved "
                + now + " */\n";
    }

    @Override
    public OptionalLong load() {
        String text;
        try {
            text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (IOException e) {
            log.err(file + ": cannot read: " + reason(e));
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

    @Override
    public boolean save(long timetrimNsPerSec) {
        if (Math.abs(timetrimNsPerSec) > MAX_TIMETRIM_NS_PER_SEC) {
            log.err(file + ": not saving timetrim " + timetrimNsPerSec + " ns/s: beyond +-" + MAX_TIMETRIM_NS_PER_SEC);
            return false;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        byte[] bytes = render(timetrimNsPerSec, Instant.now()).getBytes(StandardCharsets.UTF_8);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Path dir = file.toAbsolutePath().getParent();
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            log.err(file + ": cannot save timetrim: " + reason(e));
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the message above already says the save failed; a stale .tmp is overwritten next time
            }
            return false;
        }
        log.debug(1, file + ": saved timetrim " + timetrimNsPerSec + " ns/s");
        return true;
    }

    /** -Y: the UTC year of the file's modification date; empty (after one error line) if it cannot be read. */
    public OptionalInt modificationYear() {
        try {
            Instant mtime = Files.getLastModifiedTime(file).toInstant();
            return OptionalInt.of(mtime.atZone(ZoneOffset.UTC).getYear());
        } catch (IOException e) {
            log.err(file + ": -Y: cannot read the modification date: " + reason(e));
            return OptionalInt.empty();
        }
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
