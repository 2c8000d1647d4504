package timeslave.ref.taiclock;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import timeslave.ref.sntp.BadReply;
import timeslave.time.Tai64;

/**
 * The TAICLOCK datagram (djb taiclock.txt, PROTOCOLS.md §5): "ctai" requests carrying a cookie,
 * "stai" replies carrying the server's TAI64NA in bytes 4-19. Pure: no I/O, no clock.
 */
public final class TaiclockPacket {
    /** Length of the requests taiclock 0.62 sends and of ours. */
    public static final int REQUEST_BYTES = 32;
    /** The protocol's minimum and maximum datagram lengths. */
    public static final int MIN_BYTES = 20;
    public static final int MAX_BYTES = 256;
    /** Bytes 20-31: the part of a request the server echoes unchanged, our cookie. */
    public static final int COOKIE_OFFSET = 20;
    public static final int COOKIE_BYTES = REQUEST_BYTES - COOKIE_OFFSET;
    static final int LABEL_OFFSET = 4;
    private static final byte[] CLIENT_MAGIC = "ctai".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_MAGIC = "stai".getBytes(StandardCharsets.US_ASCII);

    private TaiclockPacket() {
    }

    /** A 32-byte request: "ctai", twelve zero bytes, then the 12-byte cookie at 20-31. */
    public static byte[] request(byte[] cookie) {
        if (cookie.length != COOKIE_BYTES) {
            throw new IllegalArgumentException("cookie must be " + COOKIE_BYTES + " bytes");
        }
        byte[] b = new byte[REQUEST_BYTES];
        System.arraycopy(CLIENT_MAGIC, 0, b, 0, 4);
        System.arraycopy(cookie, 0, b, COOKIE_OFFSET, COOKIE_BYTES);
        return b;
    }

    /**
     * Checks a reply against our request and returns the server's TAI64NA, as taiclock does
     * (length equal to the request's, "stai", bytes 20.. echoed) plus a check of the label itself.
     * Never throws anything but BadReply, for any reply bytes (a fuzzing entry point).
     *
     * @throws BadReply with reasons truncated, oversized, wrong-mode ("ctai" or other magic),
     *                  wrong-cookie, bad-label
     */
    public static Tai64 decodeReply(byte[] reply, byte[] request) throws BadReply {
        if (reply.length < request.length) {
            throw new BadReply("truncated", reply.length + " bytes, want " + request.length);
        }
        if (reply.length > request.length) {
            throw new BadReply("oversized", reply.length + " bytes, want " + request.length);
        }
        if (!Arrays.equals(reply, 0, 4, SERVER_MAGIC, 0, 4)) {
            throw new BadReply("wrong-mode", "starts with '" + ascii(reply, 4) + "', want 'stai'");
        }
        if (!Arrays.equals(reply, COOKIE_OFFSET, reply.length, request, COOKIE_OFFSET, request.length)) {
            throw new BadReply("wrong-cookie", "bytes 20.. do not echo our request");
        }
        Tai64 t;
        try {
            t = Tai64.unpack(reply, LABEL_OFFSET);
        } catch (IllegalArgumentException e) {
            throw new BadReply("bad-label", e.getMessage());
        }
        if (!t.validLabel()) {
            throw new BadReply("bad-label", String.format("TAI64 label %016x outside [2^62, 2^63)", t.label()));
        }
        return t;
    }

    /**
     * The server side (taiclockd): the reply to {@code request} carrying {@code now}, or null if the
     * request must be ignored (shorter than 20 bytes, longer than 256, or not starting with "ctai").
     */
    public static byte[] reply(byte[] request, Tai64 now) {
        if (request.length < MIN_BYTES || request.length > MAX_BYTES
                || !Arrays.equals(request, 0, 4, CLIENT_MAGIC, 0, 4)) {
            return null;
        }
        byte[] b = request.clone();
        b[0] = 's';
        now.pack(b, LABEL_OFFSET);
        return b;
    }

    private static String ascii(byte[] b, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(n, b.length); i++) {
            int c = b[i] & 0xFF;
            sb.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return sb.toString();
    }
}
