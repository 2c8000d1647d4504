package timeslave.ref.taiclock;

import timeslave.time.LeapSeconds;
import timeslave.time.Tai64;

/**
 * How one TAICLOCK source's labels map to POSIX time (PROTOCOLS.md §5 "which clock taiclockd reports").
 * {@link #posixPlus10()}: label = 2^62 + 10 + POSIX, what taiclockd 0.62 sends from a UTC/POSIX
 * machine (spec {@code tai:}). {@link #trueTai}: label = 2^62 + TAI seconds since 1970 TAI, i.e.
 * POSIX + (TAI−UTC) from a leap-seconds.list (spec {@code taitrue:}).
 */
public final class TaiScale {
    /** taiclockd's constant: its labels are gettimeofday() + 10 s. */
    public static final long TAICLOCKD_OFFSET_SECONDS = 10;

    private final LeapSeconds leapSeconds;

    private TaiScale(LeapSeconds leapSeconds) {
        this.leapSeconds = leapSeconds;
    }

    public static TaiScale posixPlus10() {
        return new TaiScale(null);
    }

    public static TaiScale trueTai(LeapSeconds table) {
        return new TaiScale(table);
    }

    public boolean isTrueTai() {
        return leapSeconds != null;
    }

    /**
     * The POSIX ns of a label.
     *
     * @throws IllegalArgumentException for a true-TAI label before 1972 (TAI−UTC undefined there)
     */
    public long toPosixNanos(Tai64 label) {
        if (leapSeconds == null) {
            return label.toPosixNanos(TAICLOCKD_OFFSET_SECONDS);
        }
        long taiSeconds = label.label() - Tai64.EPOCH_LABEL;
        // TAI−UTC is indexed by UTC; step from a guess of 10 s (1972) to the fixed point.
        long k = TAICLOCKD_OFFSET_SECONDS;
        for (int i = 0; i < 3; i++) {
            final long utc = taiSeconds - k;
            k = leapSeconds.taiMinusUtcSeconds(utc).orElseThrow(() -> new IllegalArgumentException(
                    "TAI label " + Long.toHexString(label.label()) + " is before 1972: TAI-UTC undefined"));
        }
        return label.toPosixNanos(k);
    }

    /** The label this scale gives a POSIX instant (the server side). */
    public Tai64 fromPosixNanos(long posixNanos) {
        long k = leapSeconds == null ? TAICLOCKD_OFFSET_SECONDS
                : leapSeconds.taiMinusUtcSeconds(Math.floorDiv(posixNanos, 1_000_000_000L)).orElse(10);
        return Tai64.fromPosixNanos(posixNanos, k);
    }

    @Override
    public String toString() {
        return leapSeconds == null ? "posix+10" : "tai";
    }
}
