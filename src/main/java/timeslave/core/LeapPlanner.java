package timeslave.core;

import timeslave.time.Sample;
import timeslave.log.Log;
import timeslave.log.Priority;
import timeslave.time.ClockException;
import timeslave.time.LeapSeconds;
import timeslave.time.SystemClock;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * Acts on the next leap second in the leap-seconds table, as {@link Settings.Leap} says: KERNEL arms
 * the kernel clock (STA_INS or STA_DEL) during the UTC day that ends with the leap, as ntpd does, and
 * disarms it after the leap or when the table no longer lists it; SMEAR never arms the kernel but
 * moves the daemon's target, linearly over a window from noon UTC before the leap to noon after
 * (Google's and AWS's 24 h smear), so the clock slews through the second; IGNORE does nothing.
 *
 * <p>Leap instant L: the POSIX second at which TAI − UTC takes its new value, always 00:00:00 UTC.
 * An insert repeats POSIX second L − 1 (23:59:60 is shown as 23:59:59 again), a delete skips it.
 * Smeared time, on a continuous count of SI seconds τ (equal to POSIX time before the leap):
 * smeared(τ) = τ − sign·frac(τ), frac = (τ − τ₀)/(τ₁ − τ₀) clamped to [0, 1], τ₀ and τ₁ the window's
 * ends, sign +1 for an insert and −1 for a delete; so smeared − UTC = −sign·frac before the leap and
 * sign·(1 − frac) after it (½ s either way at L), and the smear's rate is −sign/(τ₁ − τ₀).
 *
 * <p>Called once per loop by {@link Slave}; it also keeps measurements away from the leap instant
 * (none starts in a quiet window around it, and one that runs into the window is discarded),
 * where POSIX time is ambiguous and an exchange straddling it would be off by a second.
 */
public final class LeapPlanner {

    /** A leap-seconds table and the file it came from (for log lines). */
    public record Table(LeapSeconds seconds, String file) {
    }

    /** One UTC day, s. */
    static final long DAY_SECONDS = 86_400;
    /** The smear starts this long before L and ends this long after it (UTC readings), s: noon to noon. */
    static final long SMEAR_HALF_WINDOW_SECONDS = 43_200;
    /**
     * No measurement starts from this long before L, ns: room for a whole burst of probes (up to
     * -T 16 probes of -w 1 s plus the time service's wait) to finish before the leap.
     */
    static final long QUIET_BEFORE_NANOS = 128_000_000_000L;
    /** …until this long after L, ns: past the repeated second and a smeared clock's ½ s. */
    static final long QUIET_AFTER_NANOS = 8_000_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** A leap second: at POSIX second {@code atPosixSeconds} (L), sign +1 insert, −1 delete. */
    record Leap(long atPosixSeconds, int sign) {
        SystemClock.Leap kernel() {
            return sign > 0 ? SystemClock.Leap.INSERT : SystemClock.Leap.DELETE;
        }

        /** "insert at 2016-12-31T23:59:60Z" or "delete at 2016-12-31T23:59:59Z". */
        String describe() {
            LocalDate day = LocalDate.ofEpochDay(Math.floorDiv(atPosixSeconds, DAY_SECONDS) - 1);
            return (sign > 0 ? "insert at " + day + "T23:59:60Z" : "delete at " + day + "T23:59:59Z");
        }
    }

    private final Settings.Leap mode;
    private final SystemClock clock;
    private final Discipline discipline;
    private final Log log;

    private Table table;
    private Table warnedExpired;
    private SystemClock.Leap armed = SystemClock.Leap.NONE;
    private Leap armedLeap;
    private Leap smearing;
    private boolean failureLogged;
    private long nextMono = Long.MAX_VALUE;

    /**
     * @param mode       what to do (IGNORE under -m: the clock is not touched)
     * @param discipline receives the smear's rate (SMEAR mode only)
     */
    public LeapPlanner(Settings.Leap mode, SystemClock clock, Discipline discipline, Log log) {
        this.mode = mode;
        this.clock = clock;
        this.discipline = discipline;
        this.log = log;
    }

    /**
     * Arms, disarms, starts or ends a smear as the table and the clock's UTC reading require.
     *
     * @param t the table now in force, or null for none
     * @return the monotonic time at which it must be called again ({@link Long#MAX_VALUE}: no need)
     */
    public long poll(Table t, long realtimeNanos, long monoNanos) {
        table = t;
        nextMono = Long.MAX_VALUE;
        if (mode == Settings.Leap.IGNORE) {
            return nextMono;
        }
        LeapSeconds s = t == null ? null : t.seconds();
        if (s != null && s.expiredAt(Math.floorDiv(realtimeNanos, NANOS_PER_SECOND)) && !t.equals(warnedExpired)) {
            log.log(Priority.WARNING, "leap-seconds file " + t.file() + " expired on "
                    + LocalDate.ofEpochDay(Math.floorDiv(s.expiresPosixSeconds(), DAY_SECONDS)) + "; no leap seconds will be "
                    + (mode == Settings.Leap.SMEAR ? "smeared" : "announced"));
            warnedExpired = t;
        }
        Leap next = s == null ? null : next(s, realtimeNanos);
        if (mode == Settings.Leap.KERNEL) {
            kernel(next, realtimeNanos, monoNanos);
        } else {
            smear(next, realtimeNanos, monoNanos);
        }
        return nextMono;
    }

    /**
     * The step the kernel makes to realtime − monotonic at the leap second armed in it, ns (−1 s for an
     * inserted second, +1 s for a deleted one), once {@code realtimeNanos} may have reached that leap
     * and until {@link #poll} disarms it; else 0. Not someone else's step (see {@link StepWatch}).
     */
    public long kernelLeapStepNanos(long realtimeNanos) {
        Leap l = armedLeap;
        if (l == null || realtimeNanos < (l.atPosixSeconds() - 1) * NANOS_PER_SECOND) {
            return 0;
        }
        return -l.sign() * NANOS_PER_SECOND;
    }

    /** The monotonic time of the next call {@link #poll} asked for. */
    public long nextMono() {
        return nextMono;
    }

    /**
     * A measurement planned for {@code plannedMono}, moved past the quiet window around a leap
     * second (KERNEL and SMEAR modes).
     */
    public long measureNotBefore(long plannedMono, long realtimeNanos, long monoNanos) {
        if (mode == Settings.Leap.IGNORE || table == null || table.seconds() == null) {
            return plannedMono;
        }
        long plannedReal = realtimeNanos + (plannedMono - monoNanos);
        Leap l = next(table.seconds(), plannedReal - QUIET_AFTER_NANOS);
        if (l == null) {
            return plannedMono;
        }
        long leapNanos = l.atPosixSeconds() * NANOS_PER_SECOND;
        if (plannedReal >= leapNanos - QUIET_BEFORE_NANOS && plannedReal < leapNanos + QUIET_AFTER_NANOS) {
            return monoNanos + (leapNanos + QUIET_AFTER_NANOS - realtimeNanos);
        }
        return plannedMono;
    }

    /**
     * True when a measurement that started at {@code startRealtimeNanos} and lasted
     * {@code elapsedNanos} (monotonic) reached into the quiet window around a leap second (KERNEL
     * and SMEAR modes): a slow one (a round of several masters each waiting out its timeouts, or
     * one started at start-up inside the window) may span the leap, and its answer, or some of its
     * members' answers, would be a second off.
     */
    public boolean reachedQuietWindow(long startRealtimeNanos, long elapsedNanos) {
        if (mode == Settings.Leap.IGNORE || table == null || table.seconds() == null) {
            return false;
        }
        Leap l = next(table.seconds(), startRealtimeNanos - QUIET_AFTER_NANOS);
        if (l == null) {
            return false;
        }
        long leapNanos = l.atPosixSeconds() * NANOS_PER_SECOND;
        return startRealtimeNanos < leapNanos + QUIET_AFTER_NANOS
                && startRealtimeNanos + elapsedNanos >= leapNanos - QUIET_BEFORE_NANOS;
    }

    /** The sample against the smeared timescale while a smear is on (reference − local, with smeared − UTC added). */
    public Sample smeared(Sample s) {
        if (smearing == null) {
            return s;
        }
        long utcNanos = s.localNanos() + s.offsetNanos();
        return new Sample(s.source(), s.monoNanos(), s.localNanos(), s.offsetNanos() + smearNanos(smearing, utcNanos),
                s.delayNanos(), s.errorNanos());
    }

    /** The smear's rate for a leap, ns/s: −sign·10⁹/(τ₁ − τ₀); −11 574 ns/s for an insert. */
    static double smearRateNsPerSec(Leap l) {
        return -l.sign() * 1e9 / (2 * SMEAR_HALF_WINDOW_SECONDS + l.sign());
    }

    /** smeared − UTC at a UTC reading outside the repeated second, ns (see the class comment). */
    static long smearNanos(Leap l, long utcNanos) {
        long leapNanos = l.atPosixSeconds() * NANOS_PER_SECOND;
        boolean after = utcNanos >= leapNanos;
        double tauNanos = after ? utcNanos + l.sign() * (double) NANOS_PER_SECOND : utcNanos;
        double tau0 = leapNanos - SMEAR_HALF_WINDOW_SECONDS * (double) NANOS_PER_SECOND;
        double width = (2 * SMEAR_HALF_WINDOW_SECONDS + l.sign()) * (double) NANOS_PER_SECOND;
        double frac = Math.max(0, Math.min(1, (tauNanos - tau0) / width));
        return Math.round(after ? l.sign() * (1 - frac) * NANOS_PER_SECOND : -l.sign() * frac * NANOS_PER_SECOND);
    }

    /**
     * The first leap in the table whose smear window has not ended at {@code realtimeNanos} (that
     * window is the longest any mode needs after L); null if none.
     */
    static Leap next(LeapSeconds s, long realtimeNanos) {
        List<LeapSeconds.Entry> e = s.entries();
        for (int i = 1; i < e.size(); i++) {
            long at = e.get(i).startPosixSeconds();
            if ((at + SMEAR_HALF_WINDOW_SECONDS) * NANOS_PER_SECOND > realtimeNanos) {
                return new Leap(at, e.get(i).taiMinusUtcSeconds() - e.get(i - 1).taiMinusUtcSeconds());
            }
        }
        return null;
    }

    private void kernel(Leap next, long realtimeNanos, long monoNanos) {
        Leap want = null;
        if (next != null) {
            long leapNanos = next.atPosixSeconds() * NANOS_PER_SECOND;
            long armNanos = leapNanos - DAY_SECONDS * NANOS_PER_SECOND;
            if (realtimeNanos >= armNanos && realtimeNanos < leapNanos) {
                want = next;
                // After an insert the clock reads L − 1 again; L + 1 s on the old count is safely past it.
                nextMono = monoNanos + (leapNanos + NANOS_PER_SECOND - realtimeNanos);
            } else if (realtimeNanos < armNanos) {
                nextMono = monoNanos + (armNanos - realtimeNanos);
            } else {
                nextMono = monoNanos + ((next.atPosixSeconds() + SMEAR_HALF_WINDOW_SECONDS) * NANOS_PER_SECOND
                        - realtimeNanos);
            }
        }
        if (armedLeap != null && !armedLeap.equals(want)) {
            if (setLeap(SystemClock.Leap.NONE)) {
                if (realtimeNanos >= armedLeap.atPosixSeconds() * NANOS_PER_SECOND) {
                    log.info("leap second " + armedLeap.describe() + " passed; kernel leap state cleared");
                } else {
                    log.notice("leap second " + armedLeap.describe()
                            + " withdrawn from the kernel: no longer in the leap-seconds file");
                }
                armedLeap = null;
            }
        }
        if (want != null && armedLeap == null) {
            if (setLeap(want.kernel())) {
                log.notice("leap second " + want.describe() + " announced to the kernel");
                armedLeap = want;
            }
        }
    }

    private boolean setLeap(SystemClock.Leap leap) {
        try {
            clock.setLeap(leap);
            armed = leap;
            failureLogged = false;
            return true;
        } catch (ClockException e) {
            if (!failureLogged) {
                log.err("cannot set the kernel's leap second state to " + leap.name().toLowerCase(java.util.Locale.ROOT)
                        + ": " + e.getMessage());
                failureLogged = true;
            }
            return false;
        }
    }

    private void smear(Leap next, long realtimeNanos, long monoNanos) {
        Leap want = null;
        if (next != null) {
            long startNanos = (next.atPosixSeconds() - SMEAR_HALF_WINDOW_SECONDS) * NANOS_PER_SECOND;
            long endNanos = (next.atPosixSeconds() + SMEAR_HALF_WINDOW_SECONDS) * NANOS_PER_SECOND;
            if (realtimeNanos >= startNanos && realtimeNanos < endNanos) {
                want = next;
                nextMono = monoNanos + (endNanos - realtimeNanos);
            } else if (realtimeNanos < startNanos) {
                nextMono = monoNanos + (startNanos - realtimeNanos);
            }
        }
        if (smearing != null && !smearing.equals(want)) {
            if (setSmearRate(0, monoNanos)) {
                log.info("leap second smear ended");
                smearing = null;
            }
        }
        if (want != null && smearing == null) {
            if (setSmearRate(smearRateNsPerSec(want), monoNanos)) {
                long at = want.atPosixSeconds();
                log.notice("leap second smear from " + Instant.ofEpochSecond(at - SMEAR_HALF_WINDOW_SECONDS) + " to "
                        + Instant.ofEpochSecond(at + SMEAR_HALF_WINDOW_SECONDS) + " (" + want.describe() + ")");
                smearing = want;
            }
        }
    }

    private boolean setSmearRate(double rateNsPerSec, long monoNanos) {
        try {
            discipline.smear(monoNanos, rateNsPerSec);
            failureLogged = false;
            return true;
        } catch (ClockException e) {
            if (!failureLogged) {
                log.err("cannot set the clock frequency for the leap second smear: " + e.getMessage());
                failureLogged = true;
            }
            return false;
        }
    }

    /** What the kernel was last told (for tests). */
    SystemClock.Leap armed() {
        return armed;
    }
}
