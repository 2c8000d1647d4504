package timeslave.serve;

import java.util.OptionalInt;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import timeslave.time.ClockState;
import timeslave.time.Epochs;
import timeslave.time.LeapSeconds;
import timeslave.time.TimeSource;

/**
 * The read-only view every server takes of the daemon: the latest {@link ClockState} (fed by the
 * core's publish hook), the upstream's stratum and reference ID, the leap-seconds table and the
 * clock-read precision. It serves the local clock corrected by the estimate (the centre of the
 * bound), so a daemon run with -m serves true time as well as one that disciplines the clock.
 */
public final class ServedClock implements ClockState.Listener {
    /** RFC 5905 MAXSTRAT: a stratum this high means unsynchronised. */
    public static final int MAX_STRATUM = 16;

    /** Where our time comes from, as RFC 5905 names it in stratum and reference ID. */
    public record Upstream(IntSupplier stratum, int referenceId) {
        /** A source that counts as stratum 1 (a receiver, or an RFC 868, ICMP or TAICLOCK master). */
        public static Upstream primary(int referenceId) {
            return new Upstream(() -> 1, referenceId);
        }
    }

    private final TimeSource time;
    private final Supplier<Upstream> upstream;
    private final boolean serveUnsynchronised;
    private final int precisionLog2;
    private volatile ClockState state = ClockState.UNKNOWN;
    private volatile long referenceNtp64;
    private volatile LeapSeconds leapSeconds;
    private volatile long leapCacheDay = Long.MIN_VALUE;
    private volatile int leapCacheIndicator;

    /**
     * @param time                the local clock
     * @param upstream            stratum and reference ID of our reference
     * @param leapSeconds         the table the leap indicator comes from (null: none, LI 0)
     * @param serveUnsynchronised answer even while the daemon does not hold the clock synchronised
     * @param precisionLog2       the clock-read precision, log2 s
     */
    public ServedClock(TimeSource time, Upstream upstream, LeapSeconds leapSeconds, boolean serveUnsynchronised,
                       int precisionLog2) {
        this(time, () -> upstream, leapSeconds, serveUnsynchronised, precisionLog2);
    }

    /**
     * As above, with an upstream that may change: with several masters, the one the daemon follows
     * now (RFC 5905's system peer), asked at every reply.
     */
    public ServedClock(TimeSource time, Supplier<Upstream> upstream, LeapSeconds leapSeconds,
                       boolean serveUnsynchronised, int precisionLog2) {
        this.time = time;
        this.upstream = upstream;
        this.leapSeconds = leapSeconds;
        this.serveUnsynchronised = serveUnsynchronised;
        this.precisionLog2 = precisionLog2;
    }

    @Override
    public void clockState(ClockState s) {
        long mono = time.monotonicNanos();
        long real = time.realtimeNanos();
        state = s;
        if (s.known()) {
            referenceNtp64 = Epochs.ntp64FromPosixNanos(real + Math.round(s.offsetNanos(mono)));
        }
    }

    public ClockState state() {
        return state;
    }

    public TimeSource time() {
        return time;
    }

    public int precisionLog2() {
        return precisionLog2;
    }

    /**
     * Whether a server with no way to say "unsynchronised" (RFC 868, TAICLOCK) answers at
     * {@code monoNanos}: while synchronised, or with --serve-unsynchronised once there is a bound
     * (before the first one there is no estimate to serve, only the raw clock).
     */
    public boolean answers(long monoNanos) {
        ClockState s = state;
        return serveUnsynchronised ? s.known() : synchronised(s, monoNanos);
    }

    private static boolean synchronised(ClockState s, long monoNanos) {
        return s.synchronised() && s.maxErrorNanos(monoNanos) < 16e9;
    }

    /** The time we serve for a local reading: the local clock plus the estimated offset, POSIX ns. */
    public long servedNanos(long realNanos, long monoNanos) {
        return realNanos + Math.round(state.offsetNanos(monoNanos));
    }

    /**
     * The NTP header fields at {@code monoNanos}: when synchronised (or serving regardless with a known
     * bound) LI from the leap table, stratum = upstream + 1, root dispersion = the bound's half-width
     * plus the precision, root delay 0 (the bound already holds the path); otherwise LI 3, stratum 16.
     */
    public NtpServerCodec.Header ntpHeader(long realNanos, long monoNanos) {
        ClockState s = state;
        boolean usable = s.known() && (serveUnsynchronised || synchronised(s, monoNanos));
        if (!usable) {
            return new NtpServerCodec.Header(NtpServerCodec.LEAP_ALARM, NtpServerCodec.STRATUM_UNSYNCHRONISED,
                    precisionLog2, 0, NtpServerCodec.nanosToShort(s.known() ? s.halfWidthNanos(monoNanos) : 16e9), 0,
                    referenceNtp64);
        }
        Upstream up = upstream.get();
        int stratum = Math.min(MAX_STRATUM - 1, Math.max(1, up.stratum().getAsInt() + 1));
        double dispersion = s.halfWidthNanos(monoNanos) + Math.scalb(1e9, precisionLog2);
        return new NtpServerCodec.Header(leapIndicator(servedNanos(realNanos, monoNanos)), stratum, precisionLog2, 0,
                NtpServerCodec.nanosToShort(dispersion), up.referenceId(), referenceNtp64);
    }

    /** TAI − UTC at a POSIX instant from the table, if known (for a true-TAI TAICLOCK label). */
    public OptionalInt taiMinusUtcSeconds(long posixNanos) {
        LeapSeconds t = leapSeconds;
        return t == null ? OptionalInt.empty() : t.taiMinusUtcSeconds(Math.floorDiv(posixNanos, Epochs.NANOS_PER_SECOND));
    }

    /** LI for the UTC day of {@code posixNanos}: 1 if it ends with an inserted second, 2 a deleted one, else 0. */
    int leapIndicator(long posixNanos) {
        long day = Math.floorDiv(posixNanos, Epochs.NANOS_PER_DAY);
        if (day == leapCacheDay) {
            return leapCacheIndicator;
        }
        int li = leapIndicatorForDay(leapSeconds, day);
        leapCacheIndicator = li;
        leapCacheDay = day;
        return li;
    }

    /** LI for UTC day number {@code day} (days since 1970) from {@code table}. */
    public static int leapIndicatorForDay(LeapSeconds table, long day) {
        if (table == null) {
            return 0;
        }
        long end = (day + 1) * 86_400L;
        OptionalInt before = table.taiMinusUtcSeconds(end - 1);
        OptionalInt after = table.taiMinusUtcSeconds(end);
        if (before.isEmpty() || after.isEmpty() || before.getAsInt() == after.getAsInt()) {
            return 0;
        }
        return after.getAsInt() > before.getAsInt() ? 1 : 2;
    }
}
