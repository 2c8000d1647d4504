package timeslave.time;

/**
 * Pure conversions between POSIX nanoseconds and the wire epochs of RFC 868, NTP (RFC 5905) and
 * ICMP timestamps (RFC 792); all 32-bit wire fields are treated as unsigned.
 */
public final class Epochs {
    /** Seconds from 1900-01-01 to 1970-01-01 (RFC 868, RFC 5905 §6): 0x83AA7E80. */
    public static final long SECONDS_1900_TO_1970 = 2_208_988_800L;
    public static final long NANOS_PER_SECOND = 1_000_000_000L;
    public static final long NANOS_PER_MILLI = 1_000_000L;
    /** One UT day; ICMP timestamps count ms of it (RFC 792). */
    public static final long NANOS_PER_DAY = 86_400L * NANOS_PER_SECOND;
    public static final long MILLIS_PER_DAY = 86_400_000L;
    /** 2^32 seconds: the length of one NTP/RFC 868 era (RFC 5905 §6). */
    public static final long SECONDS_PER_ERA = 1L << 32;

    private Epochs() {
    }

    /**
     * The 32.32 NTP timestamp of a POSIX instant, reduced modulo the era (RFC 5905 §6: the era
     * number is not on the wire). The fraction is rounded to the nearest 2^-32 s.
     */
    public static long ntp64FromPosixNanos(long posixNanos) {
        long seconds = Math.floorDiv(posixNanos, NANOS_PER_SECOND) + SECONDS_1900_TO_1970;
        long nanos = Math.floorMod(posixNanos, NANOS_PER_SECOND);
        long fraction = ((nanos << 32) + NANOS_PER_SECOND / 2) / NANOS_PER_SECOND;
        return (seconds << 32) + fraction;
    }

    /**
     * The POSIX instant of a 32.32 NTP timestamp, choosing the era that puts it closest to
     * {@code pivotPosixNanos} (RFC 5905 §6: s = era·2^32 + timestamp, nearest to a trusted clock).
     */
    public static long posixNanosFromNtp64(long ntp64, long pivotPosixNanos) {
        long seconds = posixSecondsFromWire32(ntp64 >>> 32, Math.floorDiv(pivotPosixNanos, NANOS_PER_SECOND));
        return seconds * NANOS_PER_SECOND + fractionToNanos(ntp64 & 0xFFFF_FFFFL);
    }

    /**
     * The POSIX second of an unsigned 32-bit count of seconds since 1900 (RFC 868, or the NTP seconds
     * field), in the era closest to {@code pivotPosixSeconds}; valid while the two are within 68 years.
     */
    public static long posixSecondsFromWire32(long secondsSince1900Mod32, long pivotPosixSeconds) {
        long pivot1900 = pivotPosixSeconds + SECONDS_1900_TO_1970;
        int delta = (int) (secondsSince1900Mod32 - pivot1900);
        return pivot1900 + delta - SECONDS_1900_TO_1970;
    }

    /** The unsigned 32-bit RFC 868 field for a POSIX second (seconds since 1900, modulo the era). */
    public static long wire32FromPosixSeconds(long posixSeconds) {
        return (posixSeconds + SECONDS_1900_TO_1970) & 0xFFFF_FFFFL;
    }

    /** a − b for two 32.32 NTP timestamps, as signed ns (two's complement, RFC 5905 §8); rounds to nearest. */
    public static long ntpDifferenceNanos(long a, long b) {
        long diff = a - b;
        long seconds = diff >> 32;
        long fraction = diff & 0xFFFF_FFFFL;
        return seconds * NANOS_PER_SECOND + fractionToNanos(fraction);
    }

    /** A 32-bit binary fraction of a second (2^-32 s units) as ns, rounded to nearest. */
    public static long fractionToNanos(long fraction32) {
        return (fraction32 * NANOS_PER_SECOND + (1L << 31)) >>> 32;
    }

    /** An NTP short format (16.16 s, RFC 5905 §6) as ns, unsigned. */
    public static long ntpShortToNanos(long short32) {
        return ((short32 & 0xFFFF_FFFFL) * NANOS_PER_SECOND + (1L << 15)) >>> 16;
    }

    /** ns since 00:00 UT of the POSIX instant's day (POSIX time has no leap seconds, RFC 792 asks for UT). */
    public static long nanosOfUtDay(long posixNanos) {
        return Math.floorMod(posixNanos, NANOS_PER_DAY);
    }

    /** Wraps a difference of times of day into [−½ day, +½ day), because midnight wraps the counter. */
    public static long wrapHalfDayNanos(long nanos) {
        return Math.floorMod(nanos + NANOS_PER_DAY / 2, NANOS_PER_DAY) - NANOS_PER_DAY / 2;
    }
}
