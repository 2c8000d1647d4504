package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import timeslave.ref.sntp.BadReply;
import timeslave.ref.sntp.NtpPacket;
import timeslave.ref.taiclock.TaiclockPacket;
import timeslave.serve.Drop;
import timeslave.serve.NtpServerCodec;
import timeslave.serve.TaiclockServerCodec;
import timeslave.time.Epochs;
import timeslave.time.Tai64;

/**
 * Fuzzes the servers' request parsers (serve.NtpServerCodec, serve.TaiclockServerCodec): a datagram is
 * dropped with a reason or answered, and every answer is one our own clients accept and read back as
 * the time the server stamped. Seeds: the client request of test-fixtures/net/chronyd-faketime-2.5s.txt
 * and our TAICLOCK request.
 */
class ServerRequestFuzzTest {
    /** The server's clock: the chronyd fixture's t1 (2026-11-21). */
    private static final long NOW_NANOS = 1_795_237_953_871_350_752L;
    private static final NtpServerCodec.Header HEADER = new NtpServerCodec.Header(0, 2, -20, 0x10, 0x20,
            NtpPacket.asciiId("GPS"), Epochs.ntp64FromPosixNanos(NOW_NANOS - 1_000_000_000L));

    @FuzzTest
    void ntpRequest(byte[] request) {
        byte[] buf = Arrays.copyOf(request, Math.max(request.length, NtpServerCodec.HEADER_BYTES));
        Drop d = NtpServerCodec.reply(buf, request.length, HEADER, Epochs.ntp64FromPosixNanos(NOW_NANOS));
        int mode = request.length > 0 ? request[0] & 7 : -1;
        int version = request.length > 0 ? (request[0] >> 3) & 7 : -1;
        boolean answerable = request.length >= NtpServerCodec.HEADER_BYTES && request.length <= NtpServerCodec.MAX_REQUEST_BYTES
                && mode == NtpServerCodec.MODE_CLIENT && version >= 1 && version <= NtpServerCodec.MAX_VERSION;
        if (!answerable) {
            assertEquals(true, d != null && d.malformed(), "answered or dropped as " + d + ": " + FuzzSupport.hex(request));
            return;
        }
        assertNull(d, "dropped a client request: " + FuzzSupport.hex(request));
        NtpServerCodec.stampTransmit(buf, Epochs.ntp64FromPosixNanos(NOW_NANOS + 20_000));
        long nonce = NtpPacket.getLong(request, 40);
        byte[] reply = Arrays.copyOf(buf, NtpServerCodec.HEADER_BYTES);
        try {
            NtpPacket p = NtpPacket.decodeReply(reply, nonce);
            assertEquals(version, p.version());
            assertEquals(NOW_NANOS, Epochs.posixNanosFromNtp64(p.receive(), NOW_NANOS), 1, "receive stamp");
        } catch (BadReply bad) {
            if (nonce != 0) {
                fail("our client refuses our server's reply (" + bad.getMessage() + ") to " + FuzzSupport.hex(request));
            }
            assertEquals("wrong-origin", bad.reason, "a zero transmit can match no request");
        }
    }

    @FuzzTest
    void taiclockRequest(byte[] request) {
        byte[] buf = request.clone();
        Drop d = TaiclockServerCodec.reply(buf, request.length, NOW_NANOS, TaiclockServerCodec.TAICLOCKD_OFFSET_SECONDS);
        Tai64 label = Tai64.fromPosixNanos(NOW_NANOS, TaiclockServerCodec.TAICLOCKD_OFFSET_SECONDS);
        byte[] other = TaiclockPacket.reply(request, label);
        if (d != null) {
            assertEquals(true, d.malformed(), "dropped as " + d);
            assertNull(other, "the client package's server answers what serve drops: " + FuzzSupport.hex(request));
            return;
        }
        assertArrayEquals(other, buf, "the two server codecs disagree on " + FuzzSupport.hex(request));
        try {
            assertEquals(label, TaiclockPacket.decodeReply(buf, request), "our client reads our server's label");
        } catch (BadReply bad) {
            fail("our client refuses our server's reply (" + bad.getMessage() + ") to " + FuzzSupport.hex(request));
        }
    }
}
