package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import timeslave.ref.taiclock.TaiScale;
import timeslave.ref.taiclock.TaiclockPacket;
import timeslave.time.Tai64;

/** taiclockd's side of TAICLOCK, checked against PROTOCOLS.md §5's worked example and our own client. */
class TaiclockServerCodecTest {
    /** §5's example: 2024-01-01T00:00:00.1234565Z on a UTC server. */
    private static final long POSIX_NANOS = 1_704_067_200_123_456_500L;
    private static final String LABEL = "400000006592008a075bcbf400000000";

    @Test
    void theWorkedExampleLabelIsWhatTaiclockdSends() throws Exception {
        byte[] cookie = "cookie-12345".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        byte[] request = TaiclockPacket.request(cookie);
        byte[] buf = request.clone();
        assertNull(TaiclockServerCodec.reply(buf, buf.length, POSIX_NANOS, TaiclockServerCodec.TAICLOCKD_OFFSET_SECONDS));
        assertEquals(LABEL, HexFormat.of().formatHex(buf, 4, 20));
        assertEquals('s', buf[0]);
        assertArrayEquals(Arrays.copyOfRange(request, 20, 32), Arrays.copyOfRange(buf, 20, 32), "cookie echoed");
        Tai64 t = TaiclockPacket.decodeReply(buf, request);
        assertEquals(POSIX_NANOS, TaiScale.posixPlus10().toPosixNanos(t), "our client reads back the same instant");
    }

    @Test
    void trueTaiAddsTaiMinusUtc() {
        byte[] buf = TaiclockPacket.request(new byte[12]);
        assertNull(TaiclockServerCodec.reply(buf, buf.length, POSIX_NANOS, 37));
        assertEquals("40000000659200a5", HexFormat.of().formatHex(buf, 4, 12), "1 704 067 200 + 37 s");
    }

    @Test
    void repliesKeepTheRequestLengthFrom20To256Bytes() {
        for (int len : new int[] {20, 32, 100, 256}) {
            byte[] buf = new byte[len + 1];
            System.arraycopy("ctai".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, buf, 0, 4);
            assertNull(TaiclockServerCodec.reply(buf, len, POSIX_NANOS, 10), "length " + len);
            assertEquals(0, buf[len], "nothing written past the request");
        }
    }

    @Test
    void anythingElseIsDroppedWithItsReason() {
        byte[] b = "ctai".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(Drop.TRUNCATED, TaiclockServerCodec.check(Arrays.copyOf(b, 19), 19));
        assertEquals(Drop.OVERSIZED, TaiclockServerCodec.check(Arrays.copyOf(b, 257), 257));
        byte[] reply = Arrays.copyOf("stai".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 32);
        assertEquals(Drop.WRONG_MODE, TaiclockServerCodec.reply(reply, 32, POSIX_NANOS, 10),
                "a reply is never answered: two servers cannot ping-pong");
        assertEquals('s', reply[0]);
        assertEquals(Drop.WRONG_MODE, TaiclockServerCodec.check(new byte[32], 32));
    }
}
