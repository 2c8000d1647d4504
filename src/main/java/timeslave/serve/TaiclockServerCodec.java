package timeslave.serve;

/**
 * taiclockd's side of TAICLOCK (djb taiclock.txt): a datagram of 20-256 bytes starting "ctai" comes
 * back at the same length with byte 0 changed to 's' and the server's TAI64NA in bytes 4-19; anything
 * else is ignored. Pure: the caller supplies the time and the scale.
 */
public final class TaiclockServerCodec {
    public static final int MIN_BYTES = 20;
    public static final int MAX_BYTES = 256;
    /** The label of 1970-01-01 00:00:00 TAI (djb tai64.txt). */
    public static final long EPOCH_LABEL = 1L << 62;
    /** taiclockd's scale: label = 2^62 + 10 + POSIX seconds (its system clock is taken to keep TAI−10). */
    public static final long TAICLOCKD_OFFSET_SECONDS = 10;
    private static final long BILLION = 1_000_000_000L;

    private TaiclockServerCodec() {
    }

    /** Null if {@code buf[0..len)} is a TAICLOCK request, else why not. */
    public static Drop check(byte[] buf, int len) {
        if (len < MIN_BYTES) {
            return Drop.TRUNCATED;
        }
        if (len > MAX_BYTES) {
            return Drop.OVERSIZED;
        }
        if (buf[0] != 'c' || buf[1] != 't' || buf[2] != 'a' || buf[3] != 'i') {
            return Drop.WRONG_MODE;
        }
        return null;
    }

    /**
     * Turns the request into the reply in place (same length): "stai", then the TAI64NA of
     * {@code posixNanos} on the scale label = 2^62 + {@code scaleOffsetSeconds} + POSIX seconds,
     * attoseconds 0; bytes 20.. are left as the client sent them.
     *
     * @return null when the buffer holds the reply, else why the request is dropped
     */
    public static Drop reply(byte[] buf, int len, long posixNanos, long scaleOffsetSeconds) {
        Drop d = check(buf, len);
        if (d != null) {
            return d;
        }
        buf[0] = 's';
        Bytes.putU64(buf, 4, EPOCH_LABEL + scaleOffsetSeconds + Math.floorDiv(posixNanos, BILLION));
        Bytes.putU32(buf, 12, Math.floorMod(posixNanos, BILLION));
        Bytes.putU32(buf, 16, 0);
        return null;
    }
}
