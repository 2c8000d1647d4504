package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which mappings are given back after start-up: read-only, file-backed, no private copies; nothing else. */
class StartupPagesTest {
    private static String mapping(String range, String perms, String path, int rssKb, int anonKb) {
        return range + " " + perms + " 00000000 fe:01 1234                       " + path + "\n"
                + "Size:              13644 kB\nRss:               " + rssKb + " kB\nPss:                 10 kB\n"
                + "Anonymous:         " + anonKb + " kB\nVmFlags: rd ex mr mw me sd\n";
    }

    static final String SMAPS = mapping("7f0000001000-7f0000003000", "r-xp", "/usr/lib/jvm/lib/server/libjvm.so", 8, 0)
            + mapping("7f0000003000-7f0000004000", "r--p", "/usr/lib/jvm/lib/server/libjvm.so", 4, 4)      // RELRO
            + mapping("7f0000004000-7f0000005000", "rw-p", "/usr/lib/jvm/lib/server/libjvm.so", 4, 0)      // data
            + mapping("800000000-800454000", "rw-p", "/usr/lib/jvm/lib/server/classes.jsa", 4352, 3916)
            + mapping("800454000-800bc7000", "r--p", "/usr/lib/jvm/lib/server/classes.jsa", 7564, 0)
            + mapping("7f0000006000-7f0000007000", "r-xs", "/tmp/ffi1234 (deleted)", 4, 0)
            + mapping("ff000000-ff300000", "rw-p", "", 2480, 2480)                                        // Java heap
            + mapping("7ffd00000000-7ffd00002000", "r-xp", "[vdso]", 8, 0)
            + mapping("7f0000008000-7f0000009000", "r--p", "/usr/lib/x86_64-linux-gnu/libc.so.6", 0, 0);

    @Test
    void onlyReadOnlyFileMappingsWithoutPrivateCopiesAreReleased() {
        List<StartupPages.Mapping> m = StartupPages.parse(SMAPS);
        assertEquals(9, m.size());
        assertEquals(0x800454000L, m.get(4).start());
        assertEquals(0x800bc7000L, m.get(4).end());
        assertEquals("/usr/lib/jvm/lib/server/classes.jsa", m.get(4).path());
        List<String> calls = new ArrayList<>();
        long kb = StartupPages.release(m, (address, length, advice) -> {
            calls.add(Long.toHexString(address) + "+" + Long.toHexString(length) + " " + advice);
            return 0;
        });
        assertEquals(List.of("7f0000001000+2000 4", "800454000+773000 4"), calls);
        assertEquals(8 + 7564, kb);
    }

    @Test
    void aRefusedCallIsNotCounted() {
        assertEquals(0, StartupPages.release(StartupPages.parse(SMAPS), (a, l, advice) -> Libc.EINVAL));
    }

    @Test
    void aMappingWithoutAnAnonymousLineIsLeftAlone() {
        String s = "7f0000001000-7f0000003000 r-xp 00000000 fe:01 1234   /lib/x.so\nRss:  8 kB\n";
        assertTrue(!StartupPages.parse(s).get(0).releasable());
    }

    @Test
    void parsesThisProcessesSmaps() throws Exception {
        List<StartupPages.Mapping> m = StartupPages.parse(Files.readString(Path.of("/proc/self/smaps"),
                StandardCharsets.ISO_8859_1));
        assertTrue(m.stream().anyMatch(x -> x.path().endsWith("libjvm.so") && x.releasable()), "libjvm's code");
        assertTrue(m.stream().noneMatch(x -> x.releasable() && x.perms().charAt(1) == 'w'));
    }
}
