package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import timeslave.ref.sntp.BadReply;
import timeslave.ref.taiclock.TaiScale;
import timeslave.ref.taiclock.TaiclockPacket;
import timeslave.time.Tai64;

/**
 * Fuzzes both TAICLOCK parsers: the client's reply check ({@link TaiclockPacket#decodeReply}) and the
 * server's request check ({@link TaiclockPacket#reply}), and the label-to-POSIX step that follows a
 * good reply ({@link TaiScale#toPosixNanos}). Seeds: there is no recorded TAICLOCK exchange in
 * test-fixtures/, so {@link SeedCorpus} builds a 32-byte "stai" reply carrying the chronyd fixture's
 * instant, as taiclockd would label it, and the matching "ctai" request.
 */
class TaiclockPacketFuzzTest {
    private static final byte[] STAI = "stai".getBytes(StandardCharsets.US_ASCII);
    /** What a server stamps into replies in {@link #serverReply}: 2026-11-21 as taiclockd labels it. */
    private static final Tai64 NOW = new Tai64(0x4000_0000_6A9A_B12BL, 871_350_500, 0);
    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

    @FuzzTest
    void decodeReply(byte[] reply) {
        byte[] request = TaiclockPacket.request(cookieOf(reply));
        Tai64 label;
        try {
            label = TaiclockPacket.decodeReply(reply, request);
        } catch (BadReply bad) {
            FuzzSupport.assertWellFormed(bad);
            return;
        }
        assertEquals(request.length, reply.length);
        assertArrayEquals(STAI, Arrays.copyOf(reply, 4));
        assertTrue(label.validLabel(), "label " + Long.toHexString(label.label()));
        byte[] packed = new byte[Tai64.TAI64NA_BYTES];
        label.pack(packed, 0);
        assertArrayEquals(Arrays.copyOfRange(reply, 4, 20), packed, "decode then pack");
        // Any other cookie is refused.
        byte[] other = request.clone();
        other[TaiclockPacket.COOKIE_OFFSET] ^= 1;
        try {
            TaiclockPacket.decodeReply(reply, other);
            fail("accepted for another cookie: " + FuzzSupport.hex(reply));
        } catch (BadReply bad) {
            assertEquals("wrong-cookie", bad.reason);
        }
    }

    /**
     * A reply that passed the checks, read on taiclockd's scale as TaiclockReference does: the POSIX
     * time must be exact or refused with the documented IllegalArgumentException (never wrap around).
     */
    @FuzzTest
    void decodeReplyToPosix(byte[] reply) {
        Tai64 label;
        try {
            label = TaiclockPacket.decodeReply(reply, TaiclockPacket.request(cookieOf(reply)));
        } catch (BadReply bad) {
            return;
        }
        long posix;
        try {
            posix = TaiScale.posixPlus10().toPosixNanos(label);
        } catch (IllegalArgumentException refused) {
            return;
        }
        BigInteger exact = BigInteger.valueOf(label.label() - Tai64.EPOCH_LABEL - TaiScale.TAICLOCKD_OFFSET_SECONDS)
                .multiply(BILLION).add(BigInteger.valueOf(label.nanos() + (label.attos() >= 500_000_000 ? 1 : 0)));
        assertEquals(exact, BigInteger.valueOf(posix), "label " + Long.toHexString(label.label()) + " read as POSIX "
                + posix + " ns: " + FuzzSupport.hex(reply));
    }

    /** The server's side: a request is ignored (null) or answered with "stai", our label and its own bytes 20... */
    @FuzzTest
    void serverReply(byte[] request) {
        byte[] reply = TaiclockPacket.reply(request, NOW);
        boolean ctai = request.length >= 4 && request[0] == 'c' && request[1] == 't' && request[2] == 'a'
                && request[3] == 'i';
        if (request.length < TaiclockPacket.MIN_BYTES || request.length > TaiclockPacket.MAX_BYTES || !ctai) {
            assertNull(reply, "answered " + FuzzSupport.hex(request));
            return;
        }
        assertEquals(request.length, reply.length);
        assertArrayEquals(Arrays.copyOfRange(request, 20, request.length), Arrays.copyOfRange(reply, 20, reply.length));
        try {
            assertEquals(NOW, TaiclockPacket.decodeReply(reply, request), "our client reads our server's label");
        } catch (BadReply bad) {
            fail("our client refuses our server's reply (" + bad.getMessage() + ") to " + FuzzSupport.hex(request));
        }
    }

    /** The cookie a reply would echo: its bytes 20-31, zero-padded. */
    private static byte[] cookieOf(byte[] reply) {
        byte[] cookie = new byte[TaiclockPacket.COOKIE_BYTES];
        if (reply.length > TaiclockPacket.COOKIE_OFFSET) {
            System.arraycopy(reply, TaiclockPacket.COOKIE_OFFSET, cookie, 0,
                    Math.min(cookie.length, reply.length - TaiclockPacket.COOKIE_OFFSET));
        }
        return cookie;
    }
}
