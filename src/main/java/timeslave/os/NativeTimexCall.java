package timeslave.os;

import com.sun.jna.Native;
import timeslave.time.ClockException;

/**
 * The real clock_adjtime(2). Refuses every write (modes ≠ 0) when the environment variable
 * {@value #FORBID_ENV} is set or the system property {@value #FORBID_PROPERTY} is "true": tests and CI
 * run on machines whose clock must never move.
 */
public final class NativeTimexCall implements TimexCall {
    public static final String FORBID_ENV = "TIMESLAVE_FORBID_CLOCK_WRITES";
    public static final String FORBID_PROPERTY = "timeslave.forbidClockWrites";

    private final boolean forbidWrites;

    public NativeTimexCall() {
        this(System.getenv(FORBID_ENV) != null || Boolean.getBoolean(FORBID_PROPERTY));
    }

    NativeTimexCall(boolean forbidWrites) {
        this.forbidWrites = forbidWrites;
    }

    public boolean writesForbidden() {
        return forbidWrites;
    }

    @Override
    public int clockAdjtime(int clockId, Timex tx) throws ClockException {
        if (tx.modes != 0 && forbidWrites) {
            throw new ClockException("clock_adjtime(" + Timex.modeNames(tx.modes) + "): refused: clock writes are "
                    + "forbidden (" + FORBID_ENV + " or -D" + FORBID_PROPERTY + "=true)");
        }
        return Libc.clock_adjtime(clockId, tx);
    }

    @Override
    public int lastErrno() {
        return Native.getLastError();
    }
}
