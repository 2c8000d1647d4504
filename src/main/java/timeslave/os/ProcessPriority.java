package timeslave.os;

import timeslave.log.Log;

/**
 * Raises the scheduling priority of the calling thread (Linux nice is per thread; threads it starts
 * inherit it), so other programs disturb timeslave's measurements less: IRIX ran timeslave above all
 * time-sharing processes. Only this process is touched; without CAP_SYS_NICE it stays as it is.
 */
public final class ProcessPriority {
    /** The nice value asked for: well above ordinary processes, below the -20 kept for emergencies. */
    public static final int DAEMON_NICE = -10;

    /** setpriority(2), behind an interface so tests never change a real priority. */
    public interface SetPriority {
        /** Returns 0, or the errno on failure. */
        int setpriority(int which, int who, int prio);
    }

    /** The real call on the calling thread. */
    public static final SetPriority NATIVE = (which, who, prio) -> Libc.setpriority(which, who, prio) == 0 ? 0
            : com.sun.jna.Native.getLastError();

    private ProcessPriority() {
    }

    /** Sets nice {@value #DAEMON_NICE} for the calling thread; returns whether it worked (a failure is one debug line). */
    public static boolean raise(SetPriority call, Log log) {
        int errno = call.setpriority(Libc.PRIO_PROCESS, 0, DAEMON_NICE);
        if (errno != 0) {
            log.debug(1, "cannot raise the scheduling priority: setpriority: " + Libc.errnoText(errno));
            return false;
        }
        log.debug(1, "scheduling priority raised to nice " + DAEMON_NICE);
        return true;
    }
}
