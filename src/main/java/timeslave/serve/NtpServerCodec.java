package timeslave.serve;

import java.nio.charset.StandardCharsets;

/**
 * NTPv4 server mode (RFC 5905 §7.3, §9): turns a client-mode request into the 48-byte reply in the
 * same buffer, or names why it must be dropped. Pure: the caller supplies the receive timestamp and
 * writes the transmit timestamp last, with {@link #stampTransmit}, just before sending.
 */
public final class NtpServerCodec {
    /** The header: the smallest request, and every reply. */
    public static final int HEADER_BYTES = 48;
    /** Largest request answered: a header with room for extension fields and a MAC (RFC 7822). */
    public static final int MAX_REQUEST_BYTES = 1024;
    public static final int MODE_CLIENT = 3;
    public static final int MODE_SERVER = 4;
    public static final int MAX_VERSION = 4;
    public static final int LEAP_ALARM = 3;
    public static final int STRATUM_KOD = 0;
    public static final int STRATUM_UNSYNCHRONISED = 16;
    static final int ORIGIN = 24;
    static final int RECEIVE = 32;
    static final int TRANSMIT = 40;

    /**
     * The server's part of every reply.
     *
     * @param leap             LI: 0 none, 1 a leap second is inserted at the end of today, 2 deleted, 3 unsynchronised
     * @param stratum          1-15, or 16 unsynchronised
     * @param precision        log2 s of the clock-read resolution (signed)
     * @param rootDelay16      NTP short 16.16 s
     * @param rootDispersion16 NTP short 16.16 s
     * @param referenceId      the upstream's IPv4 address or a refclock's ASCII letters
     * @param referenceNtp64   32.32 NTP time the clock was last measured against the reference (0 unknown)
     */
    public record Header(int leap, int stratum, int precision, long rootDelay16, long rootDispersion16,
                         int referenceId, long referenceNtp64) {
    }

    private NtpServerCodec() {
    }

    /**
     * Checks the request in {@code buf[0..len)} and, if it is a client-mode request, overwrites the
     * buffer's first 48 bytes with the reply (transmit still to be written): VN and poll copied, mode 4,
     * origin = the request's transmit, receive = {@code receiveNtp64}.
     *
     * @return null when {@code buf[0..48)} holds the reply, else why the request must be dropped
     */
    public static Drop reply(byte[] buf, int len, Header h, long receiveNtp64) {
        Drop d = check(buf, len);
        if (d != null) {
            return d;
        }
        int version = (buf[0] >> 3) & 7;
        byte poll = buf[2];
        long clientTransmit = Bytes.u64(buf, TRANSMIT);
        buf[0] = (byte) (h.leap() << 6 | version << 3 | MODE_SERVER);
        buf[1] = (byte) h.stratum();
        buf[2] = poll;
        buf[3] = (byte) h.precision();
        Bytes.putU32(buf, 4, Math.min(h.rootDelay16(), 0xFFFF_FFFFL));
        Bytes.putU32(buf, 8, Math.min(h.rootDispersion16(), 0xFFFF_FFFFL));
        Bytes.putU32(buf, 12, h.referenceId() & 0xFFFF_FFFFL);
        Bytes.putU64(buf, 16, h.referenceNtp64());
        Bytes.putU64(buf, ORIGIN, clientTransmit);
        Bytes.putU64(buf, RECEIVE, receiveNtp64);
        return null;
    }

    /**
     * Overwrites a valid request with a Kiss-o'-Death (RFC 5905 §7.4): LI 3, stratum 0, reference ID
     * the kiss code ("RATE"), origin, receive and transmit all the client's transmit, so that no time
     * can be taken from it. Only after {@link #check} passed.
     */
    public static void kissOfDeath(byte[] buf, String code, int precision) {
        int version = (buf[0] >> 3) & 7;
        long clientTransmit = Bytes.u64(buf, TRANSMIT);
        byte poll = buf[2];
        java.util.Arrays.fill(buf, 0, HEADER_BYTES, (byte) 0);
        buf[0] = (byte) (LEAP_ALARM << 6 | version << 3 | MODE_SERVER);
        buf[1] = STRATUM_KOD;
        buf[2] = poll;
        buf[3] = (byte) precision;
        Bytes.putU32(buf, 12, asciiId(code) & 0xFFFF_FFFFL);
        Bytes.putU64(buf, ORIGIN, clientTransmit);
        Bytes.putU64(buf, RECEIVE, clientTransmit);
        Bytes.putU64(buf, TRANSMIT, clientTransmit);
    }

    /** Null if {@code buf[0..len)} is a request this server answers, else why not. */
    public static Drop check(byte[] buf, int len) {
        if (len < HEADER_BYTES) {
            return Drop.TRUNCATED;
        }
        if (len > MAX_REQUEST_BYTES) {
            return Drop.OVERSIZED;
        }
        if ((buf[0] & 7) != MODE_CLIENT) {
            return Drop.WRONG_MODE;
        }
        int version = (buf[0] >> 3) & 7;
        if (version < 1 || version > MAX_VERSION) {
            return Drop.WRONG_VERSION;
        }
        return null;
    }

    /** Writes T3, the last thing done before the reply is sent. */
    public static void stampTransmit(byte[] buf, long transmitNtp64) {
        Bytes.putU64(buf, TRANSMIT, transmitNtp64);
    }

    /** The reference ID of up to four ASCII letters ("GPS", "RATE"), NUL-padded. */
    public static int asciiId(String code) {
        byte[] a = code.getBytes(StandardCharsets.US_ASCII);
        int id = 0;
        for (int i = 0; i < 4; i++) {
            id = id << 8 | (i < a.length ? a[i] & 0xFF : 0);
        }
        return id;
    }

    /** ns as NTP short format (16.16 s), rounded up so a bound is never understated; saturates at 0xFFFFFFFF. */
    public static long nanosToShort(double nanos) {
        if (!(nanos > 0)) {
            return 0;
        }
        double units = Math.ceil(nanos * 65536 / 1e9);
        return units >= 0xFFFF_FFFFL ? 0xFFFF_FFFFL : (long) units;
    }

    /** RFC 5905 precision: the log2 of a resolution in ns, rounded up (1 µs → −19, 1 ns → −29). */
    public static int precisionLog2(long resolutionNanos) {
        double s = Math.max(1, resolutionNanos) / 1e9;
        return (int) Math.ceil(Math.log(s) / Math.log(2));
    }
}
