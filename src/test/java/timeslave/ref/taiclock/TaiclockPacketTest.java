package timeslave.ref.taiclock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import timeslave.ref.sntp.BadReply;
import timeslave.time.LeapSeconds;
import timeslave.time.Tai64;

class TaiclockPacketTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] COOKIE = HEX.parseHex("0102030405060708090A0B0C");
    /** PROTOCOLS.md §5 example, bytes 4-19 of a reply. */
    private static final String EXAMPLE_LABEL = "400000006592008A075BCBF400000000";

    private static byte[] exampleReply() {
        byte[] r = TaiclockPacket.request(COOKIE);
        r[0] = 's';
        System.arraycopy(HEX.parseHex(EXAMPLE_LABEL), 0, r, 4, 16);
        return r;
    }

    @Test
    void requestLayout() {
        assertEquals("6374616900000000000000000000000000000000" + "0102030405060708090a0b0c",
                HEX.formatHex(TaiclockPacket.request(COOKIE)));
    }

    @Test
    void exampleReplyOnBothScales() throws Exception {
        byte[] req = TaiclockPacket.request(COOKIE);
        Tai64 t = TaiclockPacket.decodeReply(exampleReply(), req);
        assertEquals(nanos("2024-01-01T00:00:00.1234565Z"), TaiScale.posixPlus10().toPosixNanos(t));
        TaiScale tai = TaiScale.trueTai(LeapSeconds.load(Path.of("etc/leap-seconds.list")));
        assertEquals(nanos("2023-12-31T23:59:33.1234565Z"), tai.toPosixNanos(t));
    }

    @Test
    void serverSideWritesTheExampleBytes() {
        byte[] req = TaiclockPacket.request(COOKIE);
        Tai64 now = TaiScale.posixPlus10().fromPosixNanos(nanos("2024-01-01T00:00:00.1234565Z"));
        assertArrayEquals(exampleReply(), TaiclockPacket.reply(req, now));
        assertNull(TaiclockPacket.reply(Arrays.copyOf(req, 19), now));
        assertNull(TaiclockPacket.reply(new byte[257], now));
        byte[] notCtai = req.clone();
        notCtai[0] = 's';
        assertNull(TaiclockPacket.reply(notCtai, now), "a reply sent to a server is ignored (no reflection loop)");
    }

    @Test
    void trueTaiAcrossTheLeapSecondOf2016() throws Exception {
        TaiScale tai = TaiScale.trueTai(LeapSeconds.load(Path.of("etc/leap-seconds.list")));
        long jan2017 = nanos("2017-01-01T00:00:00Z");
        assertEquals(jan2017, tai.toPosixNanos(tai.fromPosixNanos(jan2017)));
        assertEquals(jan2017 - 1_000_000_000L, tai.toPosixNanos(tai.fromPosixNanos(jan2017 - 1_000_000_000L)));
        assertEquals(Tai64.EPOCH_LABEL + 1_483_228_800L + 37, tai.fromPosixNanos(jan2017).label());
    }

    private static String reason(byte[] reply) {
        return assertThrows(BadReply.class, () -> TaiclockPacket.decodeReply(reply, TaiclockPacket.request(COOKIE))).reason;
    }

    @Test
    void eachBadReplyHasItsOwnReason() {
        byte[] good = exampleReply();
        assertEquals("truncated", reason(Arrays.copyOf(good, 31)));
        assertEquals("oversized", reason(Arrays.copyOf(good, 33)));
        byte[] echo = good.clone();
        echo[0] = 'c';
        assertEquals("wrong-mode", reason(echo));
        byte[] cookie = good.clone();
        cookie[31] ^= 1;
        assertEquals("wrong-cookie", reason(cookie));
        byte[] nanos = good.clone();
        System.arraycopy(HEX.parseHex("3B9ACA00"), 0, nanos, 12, 4);
        assertEquals("bad-label", reason(nanos));
        byte[] reserved = good.clone();
        reserved[4] = (byte) 0x80;
        assertEquals("bad-label", reason(reserved));
    }

    static long nanos(String iso) {
        Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
