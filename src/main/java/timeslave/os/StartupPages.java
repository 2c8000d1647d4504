package timeslave.os;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import timeslave.log.Log;

/**
 * Unmaps, once start-up is over, the pages of this process's read-only file mappings (libjvm's code,
 * the read-only half of the class-data archive, libc): the JVM touches most of libjvm and of the
 * archive while it starts, and those pages stay in its resident set (about 20 MB of a 40 MB daemon)
 * although a daemon that wakes every few minutes uses a few of them. madvise(MADV_DONTNEED) on a
 * mapping that cannot be written and holds no private copy of a page loses nothing: a page used
 * again is mapped again from the page cache (a minor fault), as after the kernel reclaimed it.
 * Writable mappings, and read-only ones with private copies (relocated data, RELRO), are left alone.
 */
public final class StartupPages {
    static final int MADV_DONTNEED = 4;

    private StartupPages() {
    }

    /** One mapping of /proc/self/smaps: its range, permissions, file, and resident and private-copy kB. */
    record Mapping(long start, long end, String perms, String path, long rssKb, long anonymousKb) {
        /** Read-only, backed by a file that still exists, and without private copies of pages. */
        boolean releasable() {
            return perms.length() >= 2 && perms.charAt(0) == 'r' && perms.charAt(1) != 'w' && path.startsWith("/")
                    && !path.endsWith(" (deleted)") && anonymousKb == 0 && rssKb > 0;
        }
    }

    /** Parses /proc/PID/smaps; a mapping whose Rss or Anonymous line is missing counts as not releasable. */
    static List<Mapping> parse(String smaps) {
        List<Mapping> out = new ArrayList<>();
        long start = 0;
        long end = 0;
        String perms = null;
        String path = "";
        long rss = -1;
        long anon = -1;
        for (String line : smaps.split("\n")) {
            int dash = line.indexOf('-');
            int space = line.indexOf(' ');
            if (dash > 0 && space > dash && line.substring(0, dash).matches("[0-9a-f]+")) {
                if (perms != null) {
                    out.add(new Mapping(start, end, perms, path, rss, anon < 0 ? 1 : anon));
                }
                String[] w = line.trim().split("\\s+", 6);
                start = Long.parseUnsignedLong(line.substring(0, dash), 16);
                end = Long.parseUnsignedLong(line.substring(dash + 1, space), 16);
                perms = w[1];
                path = w.length == 6 ? w[5] : "";
                rss = -1;
                anon = -1;
            } else if (line.startsWith("Rss:")) {
                rss = kb(line);
            } else if (line.startsWith("Anonymous:")) {
                anon = kb(line);
            }
        }
        if (perms != null) {
            out.add(new Mapping(start, end, perms, path, rss, anon < 0 ? 1 : anon));
        }
        return out;
    }

    private static long kb(String line) {
        String[] w = line.trim().split("\\s+");
        return Long.parseLong(w[1]);
    }

    /** madvise(2), behind an interface so tests never unmap a real page; returns 0 or the errno. */
    public interface Madvise {
        int madvise(long address, long length, int advice);
    }

    /** The real call. */
    public static final Madvise NATIVE = (address, length, advice) ->
            Calls.madvise(new Pointer(address), length, advice) == 0 ? 0 : Native.getLastError();

    /** Releases the releasable mappings of {@code smaps}; returns the resident kB given back. */
    static long release(List<Mapping> mappings, Madvise call) {
        long kb = 0;
        for (Mapping m : mappings) {
            if (m.releasable() && call.madvise(m.start(), m.end() - m.start(), MADV_DONTNEED) == 0) {
                kb += m.rssKb();
            }
        }
        return kb;
    }

    /**
     * Releases this process's start-up pages; one debug line says how much ({@code log} null: says
     * nothing, as before the log exists). Never fails the daemon.
     */
    public static void release(Log log) {
        try {
            String smaps = Files.readString(Path.of("/proc/self/smaps"), StandardCharsets.ISO_8859_1);
            long kb = release(parse(smaps), NATIVE);
            if (log != null) {
                log.debug(1, "start-up pages released: " + kb / 1024 + " MB of read-only file mappings");
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            if (log != null) {
                log.debug(1, "start-up pages not released: " + e);
            }
        }
    }

    private static final class Calls {
        static {
            Native.register(Calls.class, "c");
        }

        static native int madvise(Pointer address, long length, int advice);
    }
}
