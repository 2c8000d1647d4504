package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import timeslave.log.Log;
import timeslave.log.Priority;

/** The order and arguments of the switch, and whom -u names, against a recording kernel. */
class PrivilegesTest {
    static final Privileges.Account NOBODY = new Privileges.Account("nobody", 65534, 65534, new int[] {65534});
    static final Privileges.Account TIMESLAVE = new Privileges.Account("timeslave", 120, 130, new int[] {130, 20});
    static final Privileges.Account ROOT = new Privileges.Account("root", 0, 0, new int[] {0});

    /** Records every call; {@code failing} names a call (by its first word) that returns EPERM. */
    static final class FakeKernel implements Privileges.Kernel {
        final List<String> calls = new ArrayList<>();
        final Map<String, Privileges.Account> users;
        int euid;
        String failing = "";

        FakeKernel(int euid, Privileges.Account... users) {
            this.euid = euid;
            Map<String, Privileges.Account> m = new java.util.HashMap<>();
            for (Privileges.Account a : users) {
                m.put(a.name(), a);
            }
            this.users = m;
        }

        private int call(String s) {
            calls.add(s);
            return s.startsWith(failing + "(") ? Libc.EPERM : 0;
        }

        @Override
        public int geteuid() {
            return euid;
        }

        @Override
        public Optional<Privileges.Account> account(String name) {
            return Optional.ofNullable(users.get(name));
        }

        @Override
        public int lastCap() {
            return 40;
        }

        @Override
        public int prctl(int option, long arg2) {
            return call("prctl(" + option + "," + arg2 + ")");
        }

        @Override
        public int setgroups(int[] gids) {
            return call("setgroups(" + java.util.Arrays.toString(gids) + ")");
        }

        @Override
        public int setresgid(int gid) {
            return call("setresgid(" + gid + ")");
        }

        @Override
        public int setresuid(int uid) {
            return call("setresuid(" + uid + ")");
        }

        @Override
        public int capset(long e, long p, long i) {
            return call("capset(" + Long.toHexString(e) + "," + Long.toHexString(p) + "," + Long.toHexString(i) + ")");
        }
    }

    static final class Lines implements Log {
        final List<String> lines = new ArrayList<>();

        @Override
        public void log(Priority p, String m) {
            lines.add(p + " " + m);
        }

        @Override
        public int debugLevel() {
            return 0;
        }
    }

    @Test
    void switchDropsTheBoundingSetKeepsCapsOverTheUidChangeThenKeepsOnlySysTime() throws Exception {
        FakeKernel k = new FakeKernel(0);
        Privileges.become(TIMESLAVE, Privileges.KEEP, k);
        List<String> expected = new ArrayList<>();
        for (int cap = 0; cap <= 40; cap++) {
            if (cap != Privileges.CAP_SYS_TIME) {
                expected.add("prctl(24," + cap + ")");
            }
        }
        expected.addAll(List.of("prctl(8,1)", "setgroups([130, 20])", "setresgid(130)", "setresuid(120)",
                "capset(2000000,2000000,0)", "prctl(8,0)", "prctl(38,1)"));
        assertEquals(expected, k.calls);
    }

    @Test
    void aFailedCallStopsTheSwitchThereWithItsErrno() {
        for (String failing : List.of("setgroups", "setresgid", "setresuid", "capset")) {
            FakeKernel k = new FakeKernel(0);
            k.failing = failing;
            Privileges.Failure e = assertThrows(Privileges.Failure.class,
                    () -> Privileges.become(NOBODY, Privileges.KEEP, k));
            assertTrue(e.getMessage().startsWith(failing + "(") && e.getMessage().contains("EPERM"), e.getMessage());
            assertTrue(k.calls.get(k.calls.size() - 1).startsWith(failing + "("), failing + " is the last call");
        }
        FakeKernel k = new FakeKernel(0);
        k.failing = "prctl";
        Privileges.Failure e = assertThrows(Privileges.Failure.class, () -> Privileges.become(NOBODY, Privileges.KEEP, k));
        assertEquals("prctl(PR_CAPBSET_DROP, 0): EPERM (Operation not permitted)", e.getMessage());
        assertEquals(1, k.calls.size(), "nothing after the first failure");
    }

    @Test
    void rootBecomesTheDefaultUserElseNobodyWithANotice() throws Exception {
        Lines log = new Lines();
        assertEquals(Optional.of(TIMESLAVE), Privileges.plan(Optional.empty(), new FakeKernel(0, TIMESLAVE, NOBODY), log));
        assertEquals(List.of(), log.lines);
        assertEquals(Optional.of(NOBODY), Privileges.plan(Optional.empty(), new FakeKernel(0, NOBODY), log));
        assertEquals(List.of("NOTICE no user timeslave: running as nobody"), log.lines);
        Privileges.Failure e = assertThrows(Privileges.Failure.class,
                () -> Privileges.plan(Optional.empty(), new FakeKernel(0, ROOT), log));
        assertEquals("neither user timeslave nor nobody exists; name the user to run as with -u (-u root keeps root)",
                e.getMessage());
    }

    @Test
    void aNamedUserMustExistAndRootKeepsRootWithANotice() throws Exception {
        Lines log = new Lines();
        assertEquals(Optional.of(NOBODY), Privileges.plan(Optional.of("nobody"), new FakeKernel(0, TIMESLAVE, NOBODY), log));
        Privileges.NoSuchUser e = assertThrows(Privileges.NoSuchUser.class,
                () -> Privileges.plan(Optional.of("nosuch"), new FakeKernel(0, NOBODY), log));
        assertEquals("-u nosuch: no such user", e.getMessage());
        assertEquals(Optional.empty(), Privileges.plan(Optional.of("root"), new FakeKernel(0, ROOT), log));
        assertEquals(List.of("NOTICE running as root with every capability (-u root)"), log.lines);
    }

    @Test
    void notStartedAsRootNothingChangesAndAnotherUserIsNoted() throws Exception {
        Lines log = new Lines();
        assertEquals(Optional.empty(), Privileges.plan(Optional.empty(), new FakeKernel(1000, TIMESLAVE), log));
        assertEquals(Optional.empty(), Privileges.plan(Optional.of("timeslave"), new FakeKernel(120, TIMESLAVE), log));
        assertEquals(List.of(), log.lines);
        assertEquals(Optional.empty(), Privileges.plan(Optional.of("nobody"), new FakeKernel(1000, NOBODY), log));
        assertEquals(List.of("NOTICE -u nobody ignored: not started as root"), log.lines);
        assertThrows(Privileges.NoSuchUser.class, () -> Privileges.plan(Optional.of("nosuch"), new FakeKernel(1000), log));
    }

    @Test
    void theKernelsHighestCapabilityIsReadWhole() throws Exception {
        String text = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/sys/kernel/cap_last_cap")).get(0);
        assertEquals(Integer.parseInt(text.trim()), Privileges.NATIVE.lastCap());
    }

    @Test
    void capabilityNames() {
        assertEquals("cap_sys_time", Privileges.names(Privileges.KEEP));
        assertEquals("cap_net_bind_service,cap_sys_nice", Privileges.names((1L << 10) | (1L << 23)));
        assertEquals("none", Privileges.names(0));
    }
}
