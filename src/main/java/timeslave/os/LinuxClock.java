package timeslave.os;

import com.sun.jna.NativeLong;
import timeslave.time.ClockException;
import timeslave.time.SystemClock;
import timeslave.time.TimeSource;

/**
 * The Linux real-time clock through clock_adjtime(2): reads and disciplines CLOCK_REALTIME.
 *
 * <p>Units on the way to the kernel: step in s + ns (ADJ_SETOFFSET|ADJ_NANO, a negative offset is a
 * negative tv_sec plus a non-negative ns part); slew in µs (ADJ_OFFSET_SINGLESHOT, the kernel slews at
 * 500 ppm); frequency in 2^-16 ppm within ±500 ppm, and beyond that whole ticks of 100 ppm
 * (ADJ_TICK, USER_HZ 100) plus the remainder in freq; error estimates in µs.
 */
public final class LinuxClock implements SystemClock {
    /** µs per tick at USER_HZ 100 (x86_64). */
    static final long NOMINAL_TICK_MICROS = 10_000;
    /** One tick unit (1 µs per 10 ms tick) = 100 ppm = 100 000 ns/s. */
    static final long NS_PER_SEC_PER_TICK_UNIT = 100_000;
    /** The kernel clamps freq to ±500 ppm. */
    static final long MAX_FREQ_NS_PER_SEC = 500_000;
    /** timex.freq units per ns/s: 65 536 per ppm, 1 ppm = 1000 ns/s. */
    static final double FREQ_UNITS_PER_NS_PER_SEC = 65_536.0 / 1000.0;
    /** The kernel's tick limits at USER_HZ 100: ±10 %. */
    static final long MIN_TICK_MICROS = 9_000;
    static final long MAX_TICK_MICROS = 11_000;
    /** The largest slew ADJ_OFFSET_SINGLESHOT takes (kernel: |offset| < 2^31 µs). */
    static final long MAX_SLEW_NANOS = 2_000_000_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final TimexCall call;
    private final TimeSource time;

    public LinuxClock(TimexCall call, TimeSource time) {
        this.call = call;
        this.time = time;
    }

    /** The production clock: the real binding (which honours TIMESLAVE_FORBID_CLOCK_WRITES) and {@link SystemTime}. */
    public static LinuxClock system() {
        return new LinuxClock(new NativeTimexCall(), new SystemTime());
    }

    @Override
    public long realtimeNanos() {
        return time.realtimeNanos();
    }

    @Override
    public boolean stepsAloneMoveRealtimeAgainstMonotonic() {
        return time.kernelRealtime();
    }

    @Override
    public long monotonicNanos() {
        return time.monotonicNanos();
    }

    /** Reads the kernel's timex (modes = 0): never changes anything. */
    public Timex read() throws ClockException {
        Timex tx = new Timex();
        adjtime(tx);
        return tx;
    }

    @Override
    public void step(long offsetNanos) throws ClockException {
        Timex tx = new Timex();
        tx.modes = Timex.ADJ_SETOFFSET | Timex.ADJ_NANO;
        tx.timeSec = new NativeLong(Math.floorDiv(offsetNanos, NANOS_PER_SECOND));
        tx.timeUsec = new NativeLong(Math.floorMod(offsetNanos, NANOS_PER_SECOND));
        adjtime(tx);
    }

    @Override
    public void slew(long offsetNanos) throws ClockException {
        if (Math.abs(offsetNanos) > MAX_SLEW_NANOS) {
            throw new ClockException("clock_adjtime(ADJ_OFFSET_SINGLESHOT): slew of " + offsetNanos
                    + " ns is beyond the kernel's ±" + MAX_SLEW_NANOS + " ns");
        }
        Timex tx = new Timex();
        tx.modes = Timex.ADJ_OFFSET_SINGLESHOT;
        tx.offset = new NativeLong(Math.round(offsetNanos / 1000.0));
        adjtime(tx);
    }

    @Override
    public void setFrequency(double nsPerSec) throws ClockException {
        if (!(Math.abs(nsPerSec) <= MAX_FREQUENCY_NS_PER_SEC)) {
            throw new ClockException("clock_adjtime(ADJ_FREQUENCY): frequency " + nsPerSec
                    + " ns/s is beyond ±" + (long) MAX_FREQUENCY_NS_PER_SEC + " ns/s");
        }
        long tickUnits = Math.abs(nsPerSec) <= MAX_FREQ_NS_PER_SEC ? 0
                : Math.round(nsPerSec / NS_PER_SEC_PER_TICK_UNIT);
        double freqNsPerSec = nsPerSec - tickUnits * NS_PER_SEC_PER_TICK_UNIT;
        long tick = NOMINAL_TICK_MICROS + tickUnits;
        Timex now = read();
        Timex tx = new Timex();
        tx.modes = Timex.ADJ_FREQUENCY;
        tx.freq = new NativeLong(Math.round(freqNsPerSec * FREQ_UNITS_PER_NS_PER_SEC));
        if (now.tick.longValue() != tick) {
            tx.modes |= Timex.ADJ_TICK;
            tx.tick = new NativeLong(tick);
        }
        adjtime(tx);
    }

    @Override
    public double frequency() throws ClockException {
        Timex tx = read();
        return tx.freq.longValue() / FREQ_UNITS_PER_NS_PER_SEC
                + (tx.tick.longValue() - NOMINAL_TICK_MICROS) * (double) NS_PER_SEC_PER_TICK_UNIT;
    }

    @Override
    public void setErrorEstimates(long maxErrorNanos, long estErrorNanos, boolean synchronised)
            throws ClockException {
        Timex now = read();
        Timex tx = new Timex();
        tx.modes = Timex.ADJ_MAXERROR | Timex.ADJ_ESTERROR | Timex.ADJ_STATUS;
        tx.maxerror = new NativeLong(ceilMicros(maxErrorNanos));
        tx.esterror = new NativeLong(ceilMicros(estErrorNanos));
        tx.status = synchronised ? now.status & ~Timex.STA_UNSYNC : now.status | Timex.STA_UNSYNC;
        adjtime(tx);
    }

    @Override
    public void setLeap(Leap leap) throws ClockException {
        Timex now = read();
        Timex tx = new Timex();
        tx.modes = Timex.ADJ_STATUS;
        int status = now.status & ~(Timex.STA_INS | Timex.STA_DEL);
        tx.status = switch (leap) {
            case NONE -> status;
            case INSERT -> status | Timex.STA_INS;
            case DELETE -> status | Timex.STA_DEL;
        };
        adjtime(tx);
    }

    private static long ceilMicros(long nanos) {
        return Math.max(0, Math.floorDiv(nanos + 999, 1000));
    }

    private int adjtime(Timex tx) throws ClockException {
        int r = call.clockAdjtime(TimexCall.CLOCK_REALTIME, tx);
        if (r == -1) {
            int errno = call.lastErrno();
            String msg = "clock_adjtime(" + Timex.modeNames(tx.modes) + "): " + Libc.errnoText(errno);
            if (errno == Libc.EPERM) {
                msg += ": changing the clock needs root or CAP_SYS_TIME";
            }
            throw new ClockException(msg);
        }
        return r;
    }
}
