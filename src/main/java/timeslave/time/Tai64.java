package timeslave.time;

/**
 * A TAI64NA label (djb, tai64.txt): 8-byte TAI64 seconds label, nanoseconds and attoseconds,
 * all big-endian; label 2^62 is the TAI second that begins at 1970-01-01 00:00:00 TAI.
 *
 * @param label  TAI64 label, 2^62 ≤ label < 2^63 for valid times
 * @param nanos  0..999 999 999
 * @param attos  0..999 999 999
 */
public record Tai64(long label, long nanos, long attos) {
    /** The label of 1970-01-01 00:00:00 TAI. */
    public static final long EPOCH_LABEL = 1L << 62;
    /** Bytes in a packed TAI64NA. */
    public static final int TAI64NA_BYTES = 16;
    private static final long BILLION = 1_000_000_000L;
    /** The most seconds from 1970 that POSIX ns in a long can hold (±292 years: 1677..2262). */
    static final long MAX_POSIX_SECONDS = Long.MAX_VALUE / BILLION - 1;

    public Tai64 {
        if (nanos < 0 || nanos >= BILLION || attos < 0 || attos >= BILLION) {
            throw new IllegalArgumentException("TAI64NA fraction out of range: " + nanos + " ns " + attos + " as");
        }
    }

    /** True if the label lies in djb's valid range [2^62, 2^63) (labels ≥ 2^63 are reserved). */
    public boolean validLabel() {
        return label >= EPOCH_LABEL;   // a Java long is < 2^63 by construction; ≥ 2^63 reads negative
    }

    /**
     * Unpacks 16 bytes at {@code off}.
     *
     * @throws IllegalArgumentException if nanoseconds or attoseconds exceed 999 999 999
     */
    public static Tai64 unpack(byte[] b, int off) {
        long label = getLong(b, off);
        long nanos = getU32(b, off + 8);
        long attos = getU32(b, off + 12);
        return new Tai64(label, nanos, attos);
    }

    /** Packs into 16 bytes at {@code off}. */
    public void pack(byte[] b, int off) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (label >>> (56 - 8 * i));
        }
        putU32(b, off + 8, nanos);
        putU32(b, off + 12, attos);
    }

    /**
     * This label read as {@code label = 2^62 + scaleOffsetSeconds + POSIX}, as POSIX ns (attoseconds
     * rounded to the nearest ns). scaleOffsetSeconds is 10 for taiclockd on a UTC machine, TAI−UTC for true TAI.
     *
     * @throws IllegalArgumentException "TAI64 label %016x does not fit in POSIX nanoseconds" for a label
     *                                  more than about 292 years from 1970 (it would overflow)
     */
    public long toPosixNanos(long scaleOffsetSeconds) {
        long seconds = label - EPOCH_LABEL - scaleOffsetSeconds;   // cannot wrap for 0 ≤ label, small offsets
        if (label < 0 || Math.abs(seconds) > MAX_POSIX_SECONDS) {
            throw new IllegalArgumentException(String.format("TAI64 label %016x does not fit in POSIX nanoseconds", label));
        }
        return seconds * BILLION + nanos + (attos >= BILLION / 2 ? 1 : 0);
    }

    /** The label of a POSIX ns instant on the scale {@code label = 2^62 + scaleOffsetSeconds + POSIX}. */
    public static Tai64 fromPosixNanos(long posixNanos, long scaleOffsetSeconds) {
        return new Tai64(EPOCH_LABEL + scaleOffsetSeconds + Math.floorDiv(posixNanos, BILLION),
                Math.floorMod(posixNanos, BILLION), 0);
    }

    static long getLong(byte[] b, int off) {
        return (getU32(b, off) << 32) | getU32(b, off + 4);
    }

    static long getU32(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFFL) << 16) | ((b[off + 2] & 0xFFL) << 8) | (b[off + 3] & 0xFFL);
    }

    static void putU32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
