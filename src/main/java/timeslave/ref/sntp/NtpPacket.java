package timeslave.ref.sntp;

import java.nio.charset.StandardCharsets;
import timeslave.time.Epochs;

/**
 * The NTPv4 header (RFC 5905 §7.3, PROTOCOLS.md §4.2): builds client requests and decodes and checks
 * server replies (RFC 5905 §8 and RFC 4330 §5 checks, PROTOCOLS.md §4.3). Pure: no I/O, no clock.
 *
 * @param leap          LI, bits 7-6 of byte 0 (3 = unsynchronized)
 * @param version       VN, bits 5-3
 * @param mode          bits 2-0 (3 client, 4 server)
 * @param stratum       0 = Kiss-o'-Death, 1 primary, 2-15 secondary, 16 unsynchronized
 * @param poll          log2 s, signed
 * @param precision     log2 s, signed (e.g. −20 ≈ 1 µs)
 * @param rootDelay     16.16 unsigned s
 * @param rootDispersion 16.16 unsigned s
 * @param referenceId   4 bytes, the kiss code when stratum = 0
 * @param reference     32.32 NTP timestamp
 * @param origin        32.32: the client's transmit field, echoed (T1 cookie)
 * @param receive       32.32: server arrival time T2
 * @param transmit      32.32: server departure time T3
 */
public record NtpPacket(int leap, int version, int mode, int stratum, int poll, int precision, long rootDelay,
                        long rootDispersion, int referenceId, long reference, long origin, long receive,
                        long transmit) {
    public static final int HEADER_BYTES = 48;
    /** Header + key id + 20-byte SHA-1 MAC, the largest unrequested trailer a server may add (RFC 5905 §7.3). */
    public static final int MAX_REPLY_BYTES = HEADER_BYTES + 4 + 20;
    public static final int VERSION = 4;
    public static final int MODE_CLIENT = 3;
    public static final int MODE_SERVER = 4;
    public static final int LEAP_ALARM = 3;
    public static final int STRATUM_KOD = 0;
    /** RFC 5905 §7.3: 16 = unsynchronized. */
    public static final int STRATUM_UNSYNCHRONIZED = 16;
    /** RFC 4330 §5 optional check and RFC 5905 MAXDIST: root delay and dispersion each below 1 s (16.16 units). */
    public static final long MAX_ROOT_16_16 = 1L << 16;
    /** Coarsest precision believed, log2 s: 0 = 1 s, as the root distance limit; a coarser claim would widen every bound. */
    public static final int MAX_PRECISION_LOG2 = 0;

    /** A client-mode request: byte 0 = 0x23 (LI 0, VN 4, mode 3), transmit = {@code transmitNonce}, all else 0. */
    public static byte[] request(long transmitNonce) {
        byte[] b = new byte[HEADER_BYTES];
        b[0] = (byte) (VERSION << 3 | MODE_CLIENT);
        putLong(b, 40, transmitNonce);
        return b;
    }

    /**
     * Decodes a reply and applies the checks that need nothing but the bytes and our outstanding
     * transmit value: length, mode, version, origin, zero timestamps, stratum 16, LI 3, root distance.
     * A stratum-0 packet that passes the origin check is returned (the caller reads {@link #kissCode()}):
     * a KoD counts only if it answers our own request.
     *
     * @param expectedOrigin the transmit value of the outstanding request; 0 if none is outstanding
     * <p>Never throws anything but BadReply, for any bytes (a fuzzing entry point).
     *
     * @throws BadReply with reasons truncated, oversized, wrong-mode, wrong-version, wrong-origin,
     *                  zero-transmit, zero-receive, sentinel (a receive or transmit seconds field of 0 or
     *                  all ones: "no time", not 2036), unsynchronized, leap-alarm, root-distance, bad-precision
     */
    public static NtpPacket decodeReply(byte[] b, long expectedOrigin) throws BadReply {
        if (b.length < HEADER_BYTES) {
            throw new BadReply("truncated", b.length + " bytes, need " + HEADER_BYTES);
        }
        if (b.length > MAX_REPLY_BYTES) {
            throw new BadReply("oversized", b.length + " bytes, accept at most " + MAX_REPLY_BYTES);
        }
        NtpPacket p = new NtpPacket((b[0] >> 6) & 3, (b[0] >> 3) & 7, b[0] & 7, b[1] & 0xFF, b[2], b[3],
                u32(b, 4), u32(b, 8), (int) u32(b, 12), getLong(b, 16), getLong(b, 24), getLong(b, 32),
                getLong(b, 40));
        if (p.mode != MODE_SERVER) {
            throw new BadReply("wrong-mode", "mode " + p.mode + ", want " + MODE_SERVER);
        }
        if (p.version < 1 || p.version > VERSION) {
            throw new BadReply("wrong-version", "version " + p.version);
        }
        if (expectedOrigin == 0 || p.origin != expectedOrigin) {
            throw new BadReply("wrong-origin", String.format("origin %016x, outstanding %016x", p.origin, expectedOrigin));
        }
        if (p.stratum == STRATUM_KOD) {
            return p;
        }
        if (p.transmit == 0) {
            throw new BadReply("zero-transmit", "transmit timestamp is 0");
        }
        if (p.receive == 0) {
            throw new BadReply("zero-receive", "receive timestamp is 0");
        }
        if (Epochs.sentinelWire32(p.receive >>> 32) || Epochs.sentinelWire32(p.transmit >>> 32)) {
            throw new BadReply("sentinel", String.format("receive %016x or transmit %016x is a sentinel, not a date",
                    p.receive, p.transmit));
        }
        if (p.stratum >= STRATUM_UNSYNCHRONIZED) {
            throw new BadReply("unsynchronized", "stratum " + p.stratum);
        }
        if (p.leap == LEAP_ALARM) {
            throw new BadReply("leap-alarm", "LI 3 (server clock not synchronized)");
        }
        if (p.rootDelay >= MAX_ROOT_16_16 || p.rootDispersion >= MAX_ROOT_16_16) {
            throw new BadReply("root-distance", String.format("root delay %08x, root dispersion %08x (16.16 s), limit 1 s",
                    p.rootDelay, p.rootDispersion));
        }
        if (p.precision > MAX_PRECISION_LOG2) {
            throw new BadReply("bad-precision", "precision 2^" + p.precision + " s, coarser than 1 s");
        }
        return p;
    }

    /** The reference ID as ASCII with trailing NULs removed (the kiss code when stratum = 0). */
    public String kissCode() {
        byte[] id = {(byte) (referenceId >>> 24), (byte) (referenceId >>> 16), (byte) (referenceId >>> 8), (byte) referenceId};
        int n = id.length;
        while (n > 0 && id[n - 1] == 0) {
            n--;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            int c = id[i] & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.toString();
    }

    /** Encodes this packet as a 48-byte header (used by test servers and fixtures). */
    public byte[] encode() {
        byte[] b = new byte[HEADER_BYTES];
        b[0] = (byte) (leap << 6 | version << 3 | mode);
        b[1] = (byte) stratum;
        b[2] = (byte) poll;
        b[3] = (byte) precision;
        putU32(b, 4, rootDelay);
        putU32(b, 8, rootDispersion);
        putU32(b, 12, referenceId & 0xFFFF_FFFFL);
        putLong(b, 16, reference);
        putLong(b, 24, origin);
        putLong(b, 32, receive);
        putLong(b, 40, transmit);
        return b;
    }

    /** The reference ID of an ASCII code such as "GPS" or "RATE". */
    public static int asciiId(String code) {
        byte[] a = code.getBytes(StandardCharsets.US_ASCII);
        int id = 0;
        for (int i = 0; i < 4; i++) {
            id = id << 8 | (i < a.length ? a[i] & 0xFF : 0);
        }
        return id;
    }

    static long u32(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFFL) << 16) | ((b[off + 2] & 0xFFL) << 8) | (b[off + 3] & 0xFFL);
    }

    /** The big-endian 64-bit field at {@code off} (timestamps). */
    public static long getLong(byte[] b, int off) {
        return (u32(b, off) << 32) | u32(b, off + 4);
    }

    /** Writes a big-endian 32-bit field (test servers). */
    public static void putU32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    /** Writes a big-endian 64-bit field (test servers). */
    public static void putLong(byte[] b, int off, long v) {
        putU32(b, off, v >>> 32);
        putU32(b, off + 4, v);
    }
}
