package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** /proc/PID/task/TID/status parsed, and the check that a switch reached every thread. */
class ThreadCredentialsTest {
    static String status(int uid, int gid, String inh, String prm, String eff) {
        return "Name:\tjava\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t42\nPid:\t43\n"
                + "Uid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\n"
                + "Gid:\t" + gid + "\t" + gid + "\t" + gid + "\t" + gid + "\n"
                + "FDSize:\t64\nGroups:\t" + gid + " \n"
                + "CapInh:\t" + inh + "\nCapPrm:\t" + prm + "\nCapEff:\t" + eff + "\n"
                + "CapBnd:\t0000000002000000\nCapAmb:\t0000000000000000\nNoNewPrivs:\t1\n";
    }

    static final String NONE = "0000000000000000";
    static final String TIME = "0000000002000000";
    static final String ALL = "000001ffffffffff";

    @Test
    void parsesIdsAndMasks() {
        ThreadCredentials c = ThreadCredentials.parse(status(65534, 65533, NONE, TIME, ALL));
        assertEquals(65534, c.uids()[3]);
        assertEquals(65533, c.gids()[0]);
        assertEquals(1L << 25, c.permitted());
        assertEquals(0x1ffffffffffL, c.effective());
        assertEquals(1L << 25, c.bounding());
    }

    @Test
    void malformedStatusIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> ThreadCredentials.parse("Name:\tjava\n"));
        assertThrows(IllegalArgumentException.class,
                () -> ThreadCredentials.parse(status(1, 1, NONE, "zz", NONE)));
        assertThrows(IllegalArgumentException.class,
                () -> ThreadCredentials.parse(status(1, 1, NONE, NONE, NONE).replace("Uid:\t1\t1", "Uid:\t1")));
    }

    @Test
    void aGoodSwitchHasNoProblems() {
        Map<Long, ThreadCredentials> t = new TreeMap<>();
        t.put(43L, ThreadCredentials.parse(status(65534, 65534, NONE, TIME, TIME)));
        t.put(44L, ThreadCredentials.parse(status(65534, 65534, NONE, NONE, NONE)));
        assertEquals(List.of(), ThreadCredentials.problems(t, 43, 65534, 65534, Privileges.KEEP));
    }

    @Test
    void eachKindOfLeftoverIsNamedWithItsThread() {
        Map<Long, ThreadCredentials> t = new TreeMap<>();
        t.put(43L, ThreadCredentials.parse(status(65534, 65534, NONE, NONE, NONE)));
        t.put(44L, ThreadCredentials.parse(status(0, 65534, NONE, NONE, NONE)));
        t.put(45L, ThreadCredentials.parse(status(65534, 0, NONE, NONE, NONE)));
        t.put(46L, ThreadCredentials.parse(status(65534, 65534, NONE, ALL, NONE)));
        t.put(47L, ThreadCredentials.parse(status(65534, 65534, TIME, NONE, NONE)));
        List<String> p = ThreadCredentials.problems(t, 43, 65534, 65534, Privileges.KEEP);
        assertEquals(5, p.size(), p.toString());
        assertTrue(p.get(0).startsWith("thread 43: (the caller) capabilities permitted 0000000000000000"), p.get(0));
        assertEquals("thread 44: uid 0, not 65534", p.get(1));
        assertEquals("thread 45: gid 0, not 65534", p.get(2));
        assertTrue(p.get(3).startsWith("thread 46: capabilities permitted 000001ffffffffff"), p.get(3));
        assertTrue(p.get(4).startsWith("thread 47: capabilities permitted 0000000000000000 effective 0000000000000000 inheritable 0000000002000000"), p.get(4));
        Map<Long, ThreadCredentials> wideBound = Map.of(43L, ThreadCredentials.parse(
                status(65534, 65534, NONE, TIME, TIME).replace("CapBnd:\t0000000002000000", "CapBnd:\t" + ALL)));
        assertEquals(List.of("thread 43: (the caller) bounding set 000001ffffffffff, more than 0000000002000000"),
                ThreadCredentials.problems(wideBound, 43, 65534, 65534, Privileges.KEEP));
        assertEquals(List.of("thread 99 (the caller) not found"),
                ThreadCredentials.problems(Map.of(), 99, 1, 1, Privileges.KEEP));
    }

    @Test
    void readsThisProcessAndFindsTheCallingThread() throws Exception {
        Map<Long, ThreadCredentials> t = ThreadCredentials.ofThisProcess();
        assertTrue(t.containsKey(ThreadCredentials.self()), t.keySet() + " lacks " + ThreadCredentials.self());
        assertTrue(t.size() > 1, "a JVM has several threads");
    }
}
