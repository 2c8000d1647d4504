package timeslave.ref.rfc868;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.OptionalInt;
import timeslave.ref.sntp.BadReply;
import timeslave.time.Epochs;

/**
 * The RFC 868 Time protocol codec (PROTOCOLS.md §1) and timeslave's year rules for it
 * (TIMESLAVE-BEHAVIOUR.md §8). Pure: no I/O, no clock.
 */
public final class TimeProtocol {
    /** IRIX timeslave sends 4 zero bytes (RFC 868 allows an empty datagram) and wants exactly 4 back. */
    public static final int MESSAGE_BYTES = 4;
    /** Without a forced year, replies outside these years are ignored (TIMESLAVE-BEHAVIOUR.md §8). */
    public static final int MIN_PLAUSIBLE_YEAR = 1990;
    public static final int MAX_PLAUSIBLE_YEAR = 2100;
    /** With a forced year Y, a reply in the first days of Y+1 is still accepted (the year is rolling over). */
    public static final int ROLLOVER_GRACE_DAYS = 7;

    /** A decoded date: the server's POSIX second, and a log note if the year was moved or must be ignored. */
    public record Date(long posixSeconds, String yearNote) {
    }

    private TimeProtocol() {
    }

    /** The request datagram: 4 zero bytes. */
    public static byte[] request() {
        return new byte[MESSAGE_BYTES];
    }

    /**
     * Decodes a reply to the server's POSIX second, choosing the era nearest {@code pivotPosixSeconds}
     * (RFC 5905 §6 rule applied to the same 32-bit count, so it keeps working past 2036); the
     * reference passes {@link Epochs#eraPivotPosixSeconds} of the local clock. Never throws anything
     * but BadReply, for any bytes (a fuzzing entry point).
     *
     * @throws BadReply truncated or oversized if the reply is not exactly 4 bytes; sentinel for the values
     *                  0 and 0xFFFFFFFF, which mean "no time" rather than 2036-02-07
     */
    public static long decode(byte[] reply, long pivotPosixSeconds) throws BadReply {
        if (reply.length < MESSAGE_BYTES) {
            throw new BadReply("truncated", reply.length + " bytes, want " + MESSAGE_BYTES);
        }
        if (reply.length > MESSAGE_BYTES) {
            throw new BadReply("oversized", reply.length + " bytes, want " + MESSAGE_BYTES);
        }
        long seconds1900 = ((reply[0] & 0xFFL) << 24) | ((reply[1] & 0xFFL) << 16) | ((reply[2] & 0xFFL) << 8) | (reply[3] & 0xFFL);
        if (Epochs.sentinelWire32(seconds1900)) {
            throw new BadReply("sentinel", String.format("RFC 868 value 0x%08x is a sentinel, not a date", seconds1900));
        }
        return Epochs.posixSecondsFromWire32(seconds1900, pivotPosixSeconds);
    }

    /** Encodes a POSIX second as the 4-byte reply (for test servers). */
    public static byte[] encode(long posixSeconds) {
        long v = Epochs.wire32FromPosixSeconds(posixSeconds);
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /**
     * Applies the year rules: with a forced year Y (-y, or -Y's file year), a reply whose year is
     * neither Y nor (in its first {@value #ROLLOVER_GRACE_DAYS} days) Y+1 is moved into Y keeping its
     * day and time; without one, a reply outside {@value #MIN_PLAUSIBLE_YEAR}..{@value #MAX_PLAUSIBLE_YEAR}
     * is refused.
     *
     * @throws BadReply bad-year when the reply must be ignored
     */
    public static Date checkYear(long posixSeconds, OptionalInt forcedYear, String host) throws BadReply {
        LocalDateTime t = LocalDateTime.ofEpochSecond(posixSeconds, 0, ZoneOffset.UTC);
        int year = t.getYear();
        if (forcedYear.isEmpty()) {
            if (year < MIN_PLAUSIBLE_YEAR || year > MAX_PLAUSIBLE_YEAR) {
                throw new BadReply("bad-year", "ignoring " + host + " because it says the year is " + year);
            }
            return new Date(posixSeconds, null);
        }
        int forced = forcedYear.getAsInt();
        if (year == forced || (year == forced + 1 && t.getDayOfYear() <= ROLLOVER_GRACE_DAYS)) {
            return new Date(posixSeconds, null);
        }
        long moved = t.withYear(forced).toEpochSecond(ZoneOffset.UTC);
        return new Date(moved, "ignoring the year " + year + " from " + host);
    }
}
