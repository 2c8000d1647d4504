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
    /**
     * 2026-01-01T00:00:00Z, this release's date: no reference can honestly report a time before the
     * program existed, so such a date is refused (and a clock that starts in 1970 is still put right).
     * Moved forward with each release.
     */
    public static final long RELEASE_POSIX_SECONDS = 1_767_225_600L;
    /**
     * 2036-02-07T06:28:16Z, the end of NTP/RFC 868 era 0, the era of {@link #RELEASE_POSIX_SECONDS}: while
     * the local clock is before it, a date past it is refused. Most random 32-bit values fall outside
     * [release, era end), so random bytes are not believed. Once the local clock itself has passed this
     * instant the limit is the era nearest the local clock instead, so the program keeps working past 2036.
     */
    public static final long RELEASE_ERA_END_POSIX_SECONDS = SECONDS_PER_ERA - SECONDS_1900_TO_1970;

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

    /**
     * The pivot against which a 32-bit wire second is read (see {@link #posixSecondsFromWire32}): the middle
     * of the era that begins at the release, so every wire value maps to [release, release + 2^32 s)
     * (2026 to 2162) whatever the local clock says, as chrony's build-time era split does: a clock in
     * 1970, or in 2099 from an RTC's two-digit year, cannot move the era (taking such a clock as the pivot
     * read an honest 2027 as 2163). Only a local clock past release + 2^32 s, where that range cannot hold
     * the time, is taken as the pivot instead.
     */
    public static long eraPivotPosixSeconds(long localPosixSeconds) {
        long fixed = RELEASE_POSIX_SECONDS + SECONDS_PER_ERA / 2;
        return localPosixSeconds >= RELEASE_POSIX_SECONDS + SECONDS_PER_ERA ? localPosixSeconds : fixed;
    }

    /** The latest date a reference may report while the local clock reads {@code localPosixSeconds}. */
    public static long latestSanePosixSeconds(long localPosixSeconds) {
        return localPosixSeconds < RELEASE_ERA_END_POSIX_SECONDS ? RELEASE_ERA_END_POSIX_SECONDS
                : localPosixSeconds + SECONDS_PER_ERA / 2;
    }

    /**
     * Why a reference's date cannot be believed, or null if it lies in the sane window
     * [{@link #RELEASE_POSIX_SECONDS}, {@link #latestSanePosixSeconds}) for the local clock's reading.
     * The text is the stable detail of the "refusing the date from" log line.
     */
    public static String outsideSaneWindow(long serverPosixNanos, long localPosixNanos) {
        long server = Math.floorDiv(serverPosixNanos, NANOS_PER_SECOND);
        if (server < RELEASE_POSIX_SECONDS) {
            return instant(server) + " is before " + instant(RELEASE_POSIX_SECONDS) + ", this release's date";
        }
        long latest = latestSanePosixSeconds(Math.floorDiv(localPosixNanos, NANOS_PER_SECOND));
        if (server >= latest) {
            return instant(server) + " is past " + instant(latest) + ", the end of the era this release trusts";
        }
        return null;
    }

    private static String instant(long posixSeconds) {
        return java.time.Instant.ofEpochSecond(posixSeconds).toString();
    }

    /**
     * True for the 32-bit second values that mark "no time" rather than a time: 0 (an unset field,
     * RFC 5905's "unknown") and all ones (a field filled with 0xFF). They would read as 2036-02-07.
     */
    public static boolean sentinelWire32(long secondsSince1900Mod32) {
        long v = secondsSince1900Mod32 & 0xFFFF_FFFFL;
        return v == 0 || v == 0xFFFF_FFFFL;
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
