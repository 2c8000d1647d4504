package timeslave.ref.sntp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import timeslave.time.Epochs;

class NtpPacketTest {
    private static final HexFormat HEX = HexFormat.of();
    /** PROTOCOLS.md §4.6. */
    static final byte[] EXAMPLE_REPLY = HEX.parseHex(
            "240106EC000000000000000A47505300" + "E93C7EF000000000E93C7F0000000000" + "E93C7F0087AE147BE93C7F0087EF9DB2");
    static final long T1 = 0xE93C7F00_00000000L;

    @Test
    void requestIsClientModeVersion4WithTheNonceAsTransmit() {
        byte[] expected = new byte[48];
        expected[0] = 0x23;
        System.arraycopy(HEX.parseHex("E93C7F0000000000"), 0, expected, 40, 8);
        assertArrayEquals(expected, NtpPacket.request(T1));
    }

    @Test
    void workedExampleDecodesAndGivesOffset510msDelay40ms() throws BadReply {
        NtpPacket p = NtpPacket.decodeReply(EXAMPLE_REPLY, T1);
        assertEquals(0, p.leap());
        assertEquals(4, p.version());
        assertEquals(1, p.stratum());
        assertEquals(6, p.poll());
        assertEquals(-20, p.precision());
        assertEquals(10, p.rootDispersion());
        assertEquals("GPS", p.kissCode());
        long t4 = 0xE93C7F00_0A7EF9DBL;
        long a = Epochs.ntpDifferenceNanos(p.receive(), T1);
        long b = Epochs.ntpDifferenceNanos(p.transmit(), t4);
        assertEquals(510_000_000L, (a + b) / 2, 1.0);
        long delay = Epochs.ntpDifferenceNanos(t4, T1) - Epochs.ntpDifferenceNanos(p.transmit(), p.receive());
        assertEquals(40_000_000L, delay, 1.0);
        assertArrayEquals(EXAMPLE_REPLY, p.encode());
    }

    private static byte[] with(int offset, String hex) {
        byte[] b = EXAMPLE_REPLY.clone();
        byte[] patch = HEX.parseHex(hex);
        System.arraycopy(patch, 0, b, offset, patch.length);
        return b;
    }

    private static String reason(byte[] reply) {
        return assertThrows(BadReply.class, () -> NtpPacket.decodeReply(reply, T1)).reason;
    }

    @Test
    void eachBadReplyHasItsOwnReason() {
        assertEquals("truncated", reason(Arrays.copyOf(EXAMPLE_REPLY, 47)));
        assertEquals("oversized", reason(Arrays.copyOf(EXAMPLE_REPLY, NtpPacket.MAX_REPLY_BYTES + 1)));
        assertEquals("wrong-mode", reason(with(0, "23")));       // a client request echoed back
        assertEquals("wrong-mode", reason(with(0, "25")));       // broadcast
        assertEquals("wrong-version", reason(with(0, "04")));    // VN 0
        assertEquals("wrong-version", reason(with(0, "2C")));    // VN 5
        assertEquals("wrong-origin", reason(with(24, "E93C7F0000000001")));
        assertEquals("zero-transmit", reason(with(40, "0000000000000000")));
        assertEquals("zero-receive", reason(with(32, "0000000000000000")));
        assertEquals("unsynchronized", reason(with(1, "10")));   // stratum 16
        assertEquals("leap-alarm", reason(with(0, "E4")));       // LI 3 with stratum 1
        assertEquals("root-distance", reason(with(4, "00010000")));
        assertEquals("root-distance", reason(with(8, "00020000")));
    }

    @Test
    void noOutstandingRequestMeansEveryReplyIsWrongOrigin() {
        assertEquals("wrong-origin", assertThrows(BadReply.class, () -> NtpPacket.decodeReply(EXAMPLE_REPLY, 0)).reason);
    }

    @Test
    void trailingMacIsAccepted() throws BadReply {
        NtpPacket.decodeReply(Arrays.copyOf(EXAMPLE_REPLY, NtpPacket.HEADER_BYTES + 20), T1);
    }

    @Test
    void kissOfDeathPassesTheCodecAndNamesItsCode() throws BadReply {
        // PROTOCOLS.md §4.4: E4 00 …, ref-ID "RATE"; LI 3 does not hide a KoD.
        NtpPacket p = NtpPacket.decodeReply(with(0, "E400").clone(), T1);
        assertEquals(0, NtpPacket.decodeReply(with(0, "E400"), T1).stratum());
        byte[] rate = with(0, "E400");
        System.arraycopy(HEX.parseHex("52415445"), 0, rate, 12, 4);
        assertEquals("RATE", NtpPacket.decodeReply(rate, T1).kissCode());
        assertEquals("GPS", p.kissCode());
        assertEquals(NtpPacket.asciiId("RATE"), 0x52415445);
    }

    @Test
    void kissOfDeathWithForeignOriginIsNotBelieved() {
        byte[] deny = with(0, "E400");
        System.arraycopy(HEX.parseHex("44454E59"), 0, deny, 12, 4);
        assertEquals("wrong-origin", assertThrows(BadReply.class, () -> NtpPacket.decodeReply(deny, T1 + 1)).reason);
    }

    @Test
    void precisionAsNanoseconds() {
        assertEquals(954, SntpReference.precisionNanos(-20));
        assertEquals(1, SntpReference.precisionNanos(-32));
        assertEquals(1_000_000_000L, SntpReference.precisionNanos(0));
    }
}
