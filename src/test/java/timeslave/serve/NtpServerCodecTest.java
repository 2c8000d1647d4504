package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import timeslave.ref.sntp.NtpPacket;

/** NTP server mode, checked against PROTOCOLS.md §4.6's worked example and our own client's decoder. */
class NtpServerCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    /** §4.6: the client's request, T1 = 2024-01-01T00:00:00Z, poll 6 as the reply copies it. */
    private static final String REQUEST = "23000600" + "00".repeat(36) + "E93C7F0000000000";
    /** §4.6: the server's reply. */
    private static final String REPLY = "240106EC000000000000000A47505300"
            + "E93C7EF000000000E93C7F0000000000"
            + "E93C7F0087AE147BE93C7F0087EF9DB2";

    @Test
    void theWorkedExampleReplyIsReproducedByteForByte() {
        byte[] buf = HEX.parseHex(REQUEST);
        NtpServerCodec.Header h = new NtpServerCodec.Header(0, 1, -20, 0, 10, NtpServerCodec.asciiId("GPS"),
                0xE93C7EF000000000L);
        assertNull(NtpServerCodec.reply(buf, buf.length, h, 0xE93C7F0087AE147BL));
        NtpServerCodec.stampTransmit(buf, 0xE93C7F0087EF9DB2L);
        assertEquals(REPLY.toLowerCase(), HEX.formatHex(buf));
    }

    @Test
    void ourClientAcceptsTheReplyAndReadsWhatWasPublished() throws Exception {
        byte[] buf = NtpPacket.request(0x1122334455667788L);
        NtpServerCodec.Header h = new NtpServerCodec.Header(1, 3, -23, 0, NtpServerCodec.nanosToShort(2_000_000),
                0x7F000001, 0xE93C7EF000000000L);
        assertNull(NtpServerCodec.reply(buf, buf.length, h, 0xE93C7F0000000000L));
        NtpServerCodec.stampTransmit(buf, 0xE93C7F0000001000L);
        NtpPacket p = NtpPacket.decodeReply(buf, 0x1122334455667788L);
        assertEquals(1, p.leap());
        assertEquals(4, p.version());
        assertEquals(3, p.stratum());
        assertEquals(-23, p.precision());
        assertEquals(0x7F000001, p.referenceId());
        assertEquals(132, p.rootDispersion(), "2 ms in 16.16 s, rounded up");
        assertEquals(0xE93C7F0000000000L, p.receive());
        assertEquals(0xE93C7F0000001000L, p.transmit());
    }

    @Test
    void theVersionIsCopiedAndTheReplyIsNeverLongerThanTheRequest() {
        byte[] buf = new byte[200];
        buf[0] = 0x1B;   // VN 3, mode 3, as clockspeed's sntpclock sends
        assertNull(NtpServerCodec.reply(buf, buf.length, header(), 1));
        assertEquals(0x1C, buf[0], "LI 0, VN 3, mode 4");
        assertEquals(48, NtpServerCodec.HEADER_BYTES);
    }

    @Test
    void anythingButAClientRequestIsDroppedWithItsReason() {
        assertEquals(Drop.TRUNCATED, NtpServerCodec.reply(new byte[47], 47, header(), 1));
        byte[] big = new byte[1025];
        big[0] = 0x23;
        assertEquals(Drop.OVERSIZED, NtpServerCodec.reply(big, big.length, header(), 1));
        for (int mode : new int[] {0, 1, 2, 4, 5, 6, 7}) {
            byte[] b = new byte[48];
            b[0] = (byte) (4 << 3 | mode);
            assertEquals(Drop.WRONG_MODE, NtpServerCodec.reply(b, 48, header(), 1), "mode " + mode);
            assertEquals(4 << 3 | mode, b[0], "a dropped request is left as it was");
        }
        for (int vn : new int[] {0, 5, 6, 7}) {
            byte[] b = new byte[48];
            b[0] = (byte) (vn << 3 | 3);
            assertEquals(Drop.WRONG_VERSION, NtpServerCodec.reply(b, 48, header(), 1), "version " + vn);
        }
    }

    @Test
    void aKissOfDeathRateAnswersOnlyTheRequestAndCarriesNoTime() throws Exception {
        byte[] buf = NtpPacket.request(0xABCDEF0123456789L);
        NtpServerCodec.kissOfDeath(buf, "RATE", -20);
        NtpPacket p = NtpPacket.decodeReply(buf, 0xABCDEF0123456789L);
        assertEquals(0, p.stratum());
        assertEquals("RATE", p.kissCode());
        assertEquals(3, p.leap());
        assertEquals(0xABCDEF0123456789L, p.receive(), "no server time in a KoD");
        assertEquals(0xABCDEF0123456789L, p.transmit());
    }

    @Test
    void shortFormatAndPrecisionRoundTowardsHonesty() {
        assertEquals(0, NtpServerCodec.nanosToShort(0));
        assertEquals(1, NtpServerCodec.nanosToShort(1), "never rounded down to nothing");
        assertEquals(65536, NtpServerCodec.nanosToShort(1e9));
        assertEquals(0xFFFF_FFFFL, NtpServerCodec.nanosToShort(1e15));
        assertEquals(0, NtpServerCodec.nanosToShort(Double.NaN));
        assertEquals(-19, NtpServerCodec.precisionLog2(1_000), "1 µs ≤ 2^-19 s");
        assertEquals(-20, NtpServerCodec.precisionLog2(900), "2^-20 s = 954 ns");
        assertEquals(-29, NtpServerCodec.precisionLog2(1));
        assertEquals(-9, NtpServerCodec.precisionLog2(1_000_000), "1 ms");
    }

    @Test
    void asciiIdPadsWithNul() {
        assertArrayEquals(new byte[] {'G', 'P', 'S', 0}, java.nio.ByteBuffer.allocate(4)
                .putInt(NtpServerCodec.asciiId("GPS")).array());
    }

    static NtpServerCodec.Header header() {
        return new NtpServerCodec.Header(0, 2, -20, 0, 1, 0x7F000001, 0);
    }
}
