package timeslave.ref.serial;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.OptionalInt;

/**
 * Decides the year of a receiver reading (TIMESLAVE-BEHAVIOUR.md §8, PROTOCOLS.md §8.1), pure:
 * a forced year (-y, -Y) wins and advances at midnight on January 1; otherwise the receiver's
 * year stands, except that a whole-year disagreement near New Year keeps only the offset
 * modulo one day, and elsewhere is refused for a receiver whose year comes from switches.
 */
public final class YearRule {
    private YearRule() {
    }

    static final long NANOS_PER_DAY = 86_400L * 1_000_000_000L;
    /** An offset this large may be a wrong year (timeslave: ≤ −364 d). */
    static final long WHOLE_YEAR_MIN_NANOS = 364 * NANOS_PER_DAY;
    /** "A whole number of years to within a day". */
    static final long WHOLE_YEAR_SLACK_NANOS = NANOS_PER_DAY;
    /** "Within 14 days of New Year" (PROTOCOLS.md §8.1). */
    static final int NEW_YEAR_WINDOW_DAYS = 14;
    /** A day-of-year at or after this, followed by one at or before {@link #NEW_YEAR_FIRST_DAYS}, is a new year. */
    static final int YEAR_END_DAY = 350;
    static final int NEW_YEAR_FIRST_DAYS = 15;

    /**
     * The outcome.
     *
     * @param receiverNanos POSIX ns of the reading
     * @param year          the year used
     * @param note          a once-logged remark about the year (predicate of "receiver X ..."), or null
     */
    public record Resolved(long receiverNanos, int year, String note) {
    }

    /** The forced year, advanced when the receiver's day of year passes January 1. */
    public static final class Context {
        private final OptionalInt forced;
        private int year;
        private int lastDay = -1;

        public Context(OptionalInt forcedYear) {
            this.forced = forcedYear;
            this.year = forcedYear.orElse(0);
        }

        public boolean isForced() {
            return forced.isPresent();
        }

        /** The forced year for a reading on {@code dayOfYear}, advancing it at New Year. */
        int yearFor(int dayOfYear) {
            if (lastDay >= YEAR_END_DAY && dayOfYear <= NEW_YEAR_FIRST_DAYS) {
                year++;
            }
            lastDay = dayOfYear;
            return year;
        }

        /** The year the context currently holds (for tests and the emulator's switch). */
        public int year() {
            return year;
        }
    }

    /**
     * Resolves the year of {@code r}.
     *
     * @param receiverYear        the receiver's idea of the year (PST: its switch code resolved
     *                            near the context or local year; TT600: F68)
     * @param receiverYearTrusted true if the receiver knows the year (GPS), false for switches
     * @param localNanos          the local clock at the reading
     * @throws ReplyException if the day does not exist in the year, or a switch year disagrees
     *                        with the local clock by whole years away from New Year
     */
    public static Resolved resolve(ReceiverReading r, int receiverYear, boolean receiverYearTrusted, Context ctx,
                                   long localNanos) throws ReplyException {
        if (ctx.isForced()) {
            int y = ctx.yearFor(r.dayOfYear());
            String note = receiverYear == y ? null : "says the year is " + receiverYear + "; using " + y;
            return new Resolved(posix(r, y), y, note);
        }
        long p = posix(r, receiverYear);
        if (Math.abs(p - localNanos) < WHOLE_YEAR_MIN_NANOS) {
            return new Resolved(p, receiverYear, null);
        }
        LocalDate local = LocalDate.ofInstant(Instant.ofEpochSecond(Math.floorDiv(localNanos, 1_000_000_000L)),
                ZoneOffset.UTC);
        int bestYear = receiverYear;
        long best = Long.MAX_VALUE;
        for (int y = local.getYear() - 1; y <= local.getYear() + 1; y++) {
            try {
                long d = Math.abs(r.posixNanos(y) - localNanos);
                if (d < best) {
                    best = d;
                    bestYear = y;
                }
            } catch (DateTimeException e) {
                // day 366 in a common year: not a candidate
            }
        }
        boolean wholeYears = best < WHOLE_YEAR_SLACK_NANOS;
        if (wholeYears && nearNewYear(local)) {
            return new Resolved(posix(r, bestYear), bestYear,
                    "says the year is " + receiverYear + "; near New Year, using " + bestYear);
        }
        if (receiverYearTrusted) {
            return new Resolved(p, receiverYear, null);
        }
        throw new ReplyException("says the year is " + receiverYear + " but the local clock says " + local.getYear()
                + "; set the receiver's year switches or give -y");
    }

    static boolean nearNewYear(LocalDate d) {
        return d.getDayOfYear() <= NEW_YEAR_WINDOW_DAYS || d.getDayOfYear() > d.lengthOfYear() - NEW_YEAR_WINDOW_DAYS;
    }

    static long posix(ReceiverReading r, int year) throws ReplyException {
        try {
            return r.posixNanos(year);
        } catch (DateTimeException e) {
            throw ReplyException.garbage("day " + r.dayOfYear() + " does not exist in " + year, new byte[0], 0);
        }
    }

    /** The calendar year of a POSIX time. */
    public static int yearOf(long posixNanos) {
        return LocalDate.ofInstant(Instant.ofEpochSecond(Math.floorDiv(posixNanos, 1_000_000_000L)), ZoneOffset.UTC)
                .getYear();
    }
}
