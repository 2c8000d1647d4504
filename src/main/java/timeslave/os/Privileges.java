package timeslave.os;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Least privilege, as {@code chronyd -u} does it: a daemon started as root, once it has opened what
 * needs root (the raw ICMP socket, the syslog socket), becomes an unprivileged user and keeps only
 * the capabilities it still uses (CAP_SYS_TIME, to discipline the clock).
 *
 * <p>Linux credentials belong to each thread, and a JVM has a dozen threads before {@code main}.
 * glibc's setgroups, setresgid and setresuid apply to every thread (NPTL makes each thread repeat the
 * call); prctl(PR_SET_KEEPCAPS), prctl(PR_CAPBSET_DROP) and capset(2) apply to the calling thread
 * only. So the calling thread, which then runs the daemon's loop and alone writes the clock, keeps
 * CAP_SYS_TIME through the switch; every other thread loses every capability when its uids leave 0
 * (capabilities(7), "Effect of user ID changes on capabilities"). {@link ThreadCredentials} checks the
 * outcome in every thread afterwards.
 */
public final class Privileges {
    public static final int CAP_SETPCAP = 8;
    public static final int CAP_NET_BIND_SERVICE = 10;
    public static final int CAP_SYS_NICE = 23;
    public static final int CAP_SYS_TIME = 25;
    /** What the daemon keeps: only the clock is written after start-up. */
    public static final long KEEP = 1L << CAP_SYS_TIME;

    static final int PR_SET_KEEPCAPS = 8;
    static final int PR_CAPBSET_DROP = 24;
    static final int PR_SET_NO_NEW_PRIVS = 38;
    /** _LINUX_CAPABILITY_VERSION_3 (linux/capability.h): two 32-bit words per set. */
    static final int CAPABILITY_VERSION_3 = 0x20080522;
    /** The highest capability when /proc/sys/kernel/cap_last_cap is unreadable: CAP_CHECKPOINT_RESTORE (Linux 5.9). */
    static final int DEFAULT_LAST_CAP = 40;

    /** -u's default: a user of its own, as Debian's chrony runs as _chrony. */
    public static final String DEFAULT_USER = "timeslave";
    /** Used, with a notice, when {@link #DEFAULT_USER} does not exist. */
    public static final String FALLBACK_USER = "nobody";

    private Privileges() {
    }

    /** -u names a user the password database does not know: a usage error (exit 2). */
    public static final class NoSuchUser extends Exception {
        public NoSuchUser(String user) {
            super("-u " + user + ": no such user");
        }
    }

    /**
     * Whom the daemon becomes after start-up; empty when it stays as it is: not started as root
     * (then -u only has to name a user that exists), or -u names root.
     *
     * @param user -u, empty for the default ({@value #DEFAULT_USER}, else {@value #FALLBACK_USER})
     */
    public static Optional<Account> plan(Optional<String> user, Kernel k, timeslave.log.Log log)
            throws NoSuchUser, Failure {
        int euid = k.geteuid();
        if (user.isPresent()) {
            Account a = k.account(user.get()).orElseThrow(() -> new NoSuchUser(user.get()));
            if (euid != 0) {
                if (a.uid() != euid) {
                    log.notice("-u " + user.get() + " ignored: not started as root");
                }
                return Optional.empty();
            }
            if (a.uid() == 0) {
                log.notice("running as root with every capability (-u " + user.get() + ")");
                return Optional.empty();
            }
            return Optional.of(a);
        }
        if (euid != 0) {
            return Optional.empty();
        }
        Optional<Account> a = k.account(DEFAULT_USER).filter(x -> x.uid() != 0);
        if (a.isPresent()) {
            return a;
        }
        Optional<Account> b = k.account(FALLBACK_USER).filter(x -> x.uid() != 0);
        if (b.isPresent()) {
            log.notice("no user " + DEFAULT_USER + ": running as " + FALLBACK_USER);
            return b;
        }
        throw new Failure("neither user " + DEFAULT_USER + " nor " + FALLBACK_USER
                + " exists; name the user to run as with -u (-u root keeps root)");
    }

    /** A user from the password database, with the groups it belongs to (getgrouplist(3)). */
    public record Account(String name, int uid, int gid, int[] groups) {
        @Override
        public String toString() {
            return name + " (uid " + uid + ", gid " + gid + ")";
        }
    }

    /** The kernel and libc calls used here; each returns 0 or the errno. */
    public interface Kernel {
        int geteuid();

        Optional<Account> account(String name);

        /** The highest capability number this kernel knows. */
        int lastCap();

        int prctl(int option, long arg2);

        int setgroups(int[] gids);

        int setresgid(int gid);

        int setresuid(int uid);

        /** capset(2) on the calling thread, 64-bit masks. */
        int capset(long effective, long permitted, long inheritable);
    }

    /** Why the switch failed: the daemon must not carry on as root. */
    public static final class Failure extends Exception {
        public Failure(String message) {
            super(message);
        }
    }

    /** "cap_sys_time" for the kept mask, as capabilities(7) names them. */
    public static String names(long mask) {
        List<String> n = new ArrayList<>();
        for (int cap = 0; cap < 64; cap++) {
            if ((mask & (1L << cap)) != 0) {
                n.add(switch (cap) {
                    case CAP_SETPCAP -> "cap_setpcap";
                    case CAP_NET_BIND_SERVICE -> "cap_net_bind_service";
                    case CAP_SYS_NICE -> "cap_sys_nice";
                    case CAP_SYS_TIME -> "cap_sys_time";
                    default -> "cap_" + cap;
                });
            }
        }
        return n.isEmpty() ? "none" : String.join(",", n);
    }

    /**
     * Becomes {@code account} keeping only {@code keep} in the calling thread: drops every other
     * capability from this thread's bounding set, keeps its capabilities over the uid change
     * (PR_SET_KEEPCAPS), sets the groups, gids and uids of every thread, then keeps only {@code keep}
     * permitted and effective (nothing inheritable), and forbids gaining privileges by execve.
     */
    public static void become(Account account, long keep, Kernel k) throws Failure {
        int last = k.lastCap();
        for (int cap = 0; cap <= last; cap++) {
            if ((keep & (1L << cap)) == 0) {
                check(k.prctl(PR_CAPBSET_DROP, cap), "prctl(PR_CAPBSET_DROP, " + cap + ")");
            }
        }
        check(k.prctl(PR_SET_KEEPCAPS, 1), "prctl(PR_SET_KEEPCAPS, 1)");
        check(k.setgroups(account.groups()), "setgroups(" + Arrays.toString(account.groups()) + ")");
        check(k.setresgid(account.gid()), "setresgid(" + account.gid() + ")");
        check(k.setresuid(account.uid()), "setresuid(" + account.uid() + ")");
        check(k.capset(keep, keep, 0), "capset(" + names(keep) + ")");
        check(k.prctl(PR_SET_KEEPCAPS, 0), "prctl(PR_SET_KEEPCAPS, 0)");
        check(k.prctl(PR_SET_NO_NEW_PRIVS, 1), "prctl(PR_SET_NO_NEW_PRIVS, 1)");
    }

    private static void check(int errno, String call) throws Failure {
        if (errno != 0) {
            throw new Failure(call + ": " + Libc.errnoText(errno));
        }
    }

    /** The real calls (glibc by JNA). */
    public static final Kernel NATIVE = new Kernel() {
        @Override
        public int geteuid() {
            return Calls.geteuid();
        }

        @Override
        public Optional<Account> account(String name) {
            Pointer pw = Calls.getpwnam(name);
            if (pw == null) {
                return Optional.empty();
            }
            // struct passwd: pw_name, pw_passwd (pointers), then uid_t pw_uid, gid_t pw_gid
            int uid = pw.getInt(2L * Native.POINTER_SIZE);
            int gid = pw.getInt(2L * Native.POINTER_SIZE + 4);
            int[] n = {64};
            int[] groups = new int[n[0]];
            if (Calls.getgrouplist(name, gid, groups, n) < 0) {
                groups = new int[n[0]];
                if (Calls.getgrouplist(name, gid, groups, n) < 0) {
                    return Optional.of(new Account(name, uid, gid, new int[] {gid}));
                }
            }
            return Optional.of(new Account(name, uid, gid, Arrays.copyOf(groups, n[0])));
        }

        @Override
        public int lastCap() {
            // One read: a sysctl file read in pieces (as Files.readString does) yields only "4" of "40".
            try (java.io.InputStream in = Files.newInputStream(Path.of("/proc/sys/kernel/cap_last_cap"))) {
                return Integer.parseInt(new String(in.readNBytes(32), StandardCharsets.US_ASCII).trim());
            } catch (IOException | NumberFormatException e) {
                return DEFAULT_LAST_CAP;
            }
        }

        @Override
        public int prctl(int option, long arg2) {
            return Calls.prctl(option, arg2, 0, 0, 0) == 0 ? 0 : Native.getLastError();
        }

        @Override
        public int setgroups(int[] gids) {
            return Calls.setgroups(gids.length, gids) == 0 ? 0 : Native.getLastError();
        }

        @Override
        public int setresgid(int gid) {
            return Calls.setresgid(gid, gid, gid) == 0 ? 0 : Native.getLastError();
        }

        @Override
        public int setresuid(int uid) {
            return Calls.setresuid(uid, uid, uid) == 0 ? 0 : Native.getLastError();
        }

        @Override
        public int capset(long effective, long permitted, long inheritable) {
            int[] header = {CAPABILITY_VERSION_3, 0};
            int[] data = {(int) effective, (int) permitted, (int) inheritable,
                (int) (effective >>> 32), (int) (permitted >>> 32), (int) (inheritable >>> 32)};
            return Calls.capset(header, data) == 0 ? 0 : Native.getLastError();
        }
    };

    /** glibc by direct mapping, loaded only when the daemon switches user. */
    private static final class Calls {
        static {
            Native.register(Calls.class, "c");
        }

        static native int geteuid();

        static native Pointer getpwnam(String name);

        static native int getgrouplist(String user, int group, int[] groups, int[] ngroups);

        static native int prctl(int option, long arg2, long arg3, long arg4, long arg5);

        static native int setgroups(long size, int[] list);

        static native int setresgid(int rgid, int egid, int sgid);

        static native int setresuid(int ruid, int euid, int suid);

        static native int capset(int[] header, int[] data);
    }
}
