package timeslave.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The credentials of each thread as /proc/PID/task/TID/status shows them (Uid, Gid, CapInh, CapPrm,
 * CapEff), and the check that a switch by {@link Privileges} reached every thread: the new uid and
 * gid everywhere, no capability beyond the kept ones anywhere, the kept ones in the calling thread,
 * whose bounding set holds nothing more.
 */
public record ThreadCredentials(int[] uids, int[] gids, long inheritable, long permitted, long effective,
                                long bounding) {

    /** Parses one status file; throws IllegalArgumentException if a field is missing or malformed. */
    public static ThreadCredentials parse(String status) {
        Map<String, String> f = new TreeMap<>();
        for (String line : status.split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                f.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return new ThreadCredentials(ids(f, "Uid"), ids(f, "Gid"), mask(f, "CapInh"), mask(f, "CapPrm"),
                mask(f, "CapEff"), mask(f, "CapBnd"));
    }

    private static int[] ids(Map<String, String> f, String key) {
        String v = field(f, key);
        String[] w = v.split("\\s+");
        if (w.length != 4) {
            throw new IllegalArgumentException(key + ": not four ids: " + v);
        }
        int[] ids = new int[4];
        for (int i = 0; i < 4; i++) {
            ids[i] = Integer.parseUnsignedInt(w[i]);
        }
        return ids;
    }

    private static long mask(Map<String, String> f, String key) {
        String v = field(f, key);
        if (!v.matches("[0-9a-f]{1,16}")) {
            throw new IllegalArgumentException(key + ": not a capability mask: " + v);
        }
        return Long.parseUnsignedLong(v, 16);
    }

    private static String field(Map<String, String> f, String key) {
        String v = f.get(key);
        if (v == null) {
            throw new IllegalArgumentException("no " + key + " line");
        }
        return v;
    }

    /**
     * What is wrong with the threads after a switch to {@code uid}/{@code gid} keeping {@code keep};
     * empty when all is well. {@code threads} maps a thread id to its credentials; {@code self} is
     * the thread that made the switch.
     */
    public static List<String> problems(Map<Long, ThreadCredentials> threads, long self, int uid, int gid, long keep) {
        List<String> p = new ArrayList<>();
        if (!threads.containsKey(self)) {
            p.add("thread " + self + " (the caller) not found");
        }
        for (Map.Entry<Long, ThreadCredentials> e : threads.entrySet()) {
            ThreadCredentials c = e.getValue();
            String t = "thread " + e.getKey() + ": ";
            for (int i = 0; i < 4; i++) {
                if (c.uids[i] != uid) {
                    p.add(t + "uid " + c.uids[i] + ", not " + uid);
                    break;
                }
            }
            for (int i = 0; i < 4; i++) {
                if (c.gids[i] != gid) {
                    p.add(t + "gid " + c.gids[i] + ", not " + gid);
                    break;
                }
            }
            if ((c.permitted & ~keep) != 0 || (c.effective & ~keep) != 0 || c.inheritable != 0) {
                p.add(t + "capabilities permitted " + hex(c.permitted) + " effective " + hex(c.effective)
                        + " inheritable " + hex(c.inheritable) + ", more than " + hex(keep));
            }
            if (e.getKey() == self && (c.permitted != keep || c.effective != keep)) {
                p.add(t + "(the caller) capabilities permitted " + hex(c.permitted) + " effective "
                        + hex(c.effective) + ", not " + hex(keep));
            }
            if (e.getKey() == self && (c.bounding & ~keep) != 0) {
                p.add(t + "(the caller) bounding set " + hex(c.bounding) + ", more than " + hex(keep));
            }
        }
        return p;
    }

    static String hex(long mask) {
        return String.format("%016x", mask);
    }

    /** Every thread of this process (/proc/self/task); a thread that ends while being read is left out. */
    public static Map<Long, ThreadCredentials> ofThisProcess() throws IOException {
        Map<Long, ThreadCredentials> m = new TreeMap<>();
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
            for (Path t : tasks) {
                try {
                    m.put(Long.parseLong(t.getFileName().toString()),
                            parse(Files.readString(t.resolve("status"), StandardCharsets.US_ASCII)));
                } catch (NoSuchFileException gone) {
                    // the thread ended meanwhile
                }
            }
        }
        return m;
    }

    /** The calling thread's id, as /proc/thread-self names it. */
    public static long self() throws IOException {
        return Long.parseLong(Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString());
    }
}
