package timeslave.time;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Tai64Test {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void djbCheckLabel() {
        // tai64.txt: 40 00 00 00 2A 2B 2C 2D = 1992-06-02 08:07:09 TAI = 08:06:43 UTC (TAI−UTC 26 then).
        byte[] b = HEX.parseHex("400000002A2B2C2D" + "0000000000000000");
        Tai64 t = Tai64.unpack(b, 0);
        assertEquals(Instant.parse("1992-06-02T08:06:43Z").getEpochSecond() * 1_000_000_000L, t.toPosixNanos(26));
    }

    @Test
    void protocolsSection5ExampleOnBothScales() {
        byte[] b = HEX.parseHex("400000006592008A075BCBF400000000");
        Tai64 t = Tai64.unpack(b, 0);
        assertEquals(Instant.parse("2024-01-01T00:00:00.1234565Z"), ofNanos(t.toPosixNanos(10)));
        assertEquals(Instant.parse("2023-12-31T23:59:33.1234565Z"), ofNanos(t.toPosixNanos(37)));
        byte[] out = new byte[16];
        t.pack(out, 0);
        assertArrayEquals(b, out);
    }

    @Test
    void fromPosixInvertsToPosix() {
        long ns = 1_704_067_200_123_456_789L;
        assertEquals(ns, Tai64.fromPosixNanos(ns, 10).toPosixNanos(10));
        assertEquals(ns, Tai64.fromPosixNanos(ns, 37).toPosixNanos(37));
    }

    @Test
    void outOfRangeFractionsAndReservedLabels() {
        assertThrows(IllegalArgumentException.class, () -> Tai64.unpack(HEX.parseHex("400000006592008A3B9ACA0000000000"), 0));
        assertThrows(IllegalArgumentException.class, () -> Tai64.unpack(HEX.parseHex("400000006592008A000000003B9ACA00"), 0));
        assertFalse(Tai64.unpack(HEX.parseHex("800000006592008A0000000000000000"), 0).validLabel());
        assertFalse(Tai64.unpack(HEX.parseHex("000000006592008A0000000000000000"), 0).validLabel());
    }

    @Test
    void labelsThatDoNotFitInPosixNanosAreRefusedNotWrapped() {
        // issue 9 failure 3: label 0x7fff…ff gave −1 796 509 915 s
        Tai64 huge = Tai64.unpack(HEX.parseHex("7FFFFFFFFFFFFFFF0000000000000000"), 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> huge.toPosixNanos(10));
        assertEquals("TAI64 label 7fffffffffffffff does not fit in POSIX nanoseconds", e.getMessage());
        // a label that wraps to "now" modulo 2^64 ns
        assertThrows(IllegalArgumentException.class, () -> new Tai64(Tai64.EPOCH_LABEL + 10 + 18_446_744_074L, 0, 0).toPosixNanos(10));
        assertThrows(IllegalArgumentException.class, () -> new Tai64(-1, 0, 0).toPosixNanos(10));
        assertEquals(9_200_000_000L * 1_000_000_000L, new Tai64(Tai64.EPOCH_LABEL + 10 + 9_200_000_000L, 0, 0).toPosixNanos(10));
    }

    private static Instant ofNanos(long ns) {
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
    }
}
