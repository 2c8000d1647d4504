package timeslave.serve;

/**
 * RFC 868's server side: any datagram of 0-4 bytes (the RFC and rdate send an empty one, IRIX
 * timeslave four zero bytes) is answered with the 4-byte count of seconds since 1900 (unsigned,
 * big-endian, modulo the era); over TCP the same 4 bytes are written on connection. Pure.
 *
 * <p>The one exception to "never a reply larger than the request": an empty request gets 4 bytes
 * (32 bytes on the wire against 28), because that is the protocol.
 */
public final class TimeServerCodec {
    public static final int REPLY_BYTES = 4;
    /** Largest request answered: IRIX timeslave's four bytes. */
    public static final int MAX_REQUEST_BYTES = 4;
    /** Seconds from 1900-01-01 to 1970-01-01 (RFC 868). */
    public static final long SECONDS_1900_TO_1970 = 2_208_988_800L;

    private TimeServerCodec() {
    }

    /** Null if a datagram of {@code len} bytes is answered, else why not. */
    public static Drop check(int len) {
        return len > MAX_REQUEST_BYTES ? Drop.OVERSIZED : null;
    }

    /** Writes the reply for {@code posixNanos} into {@code buf[0..4)} (the second it is in, floor). */
    public static void encode(byte[] buf, long posixNanos) {
        Bytes.putU32(buf, 0, (Math.floorDiv(posixNanos, 1_000_000_000L) + SECONDS_1900_TO_1970) & 0xFFFF_FFFFL);
    }
}
