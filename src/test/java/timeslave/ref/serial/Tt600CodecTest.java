package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class Tt600CodecTest {

    /** PROTOCOLS.md §9 worked example. */
    static final byte[] EXAMPLE = HexFormat.of().parseHex("013036303A32333A35393A35382E353030200D0A");

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void decodesTheWorkedExample() throws Exception {
        Tt600Codec.TimeReply t = Tt600Codec.decodeTime(EXAMPLE, EXAMPLE.length);
        assertEquals(new ReceiverReading(60, 23, 59, 58, 500), t.reading());
        assertEquals(' ', t.quality());
        assertEquals(2000, Tt600Codec.decodeYear(ascii("F68 2000\r\n"), 10));
        assertEquals(951_868_798_500_000_000L, t.reading().posixNanos(2000));
    }

    @Test
    void decodesTheManualsSample() throws Exception {
        Tt600Codec.TimeReply t = Tt600Codec.decodeTime(ascii("\u0001128:20:30:04.357*\r\n"), 20);
        assertEquals('*', t.quality());
        assertEquals(java.time.Instant.parse("1997-05-08T20:30:04.357Z").toEpochMilli() * 1_000_000L,
                t.reading().posixNanos(1997));
    }

    @Test
    void encodeIsTheInverseOfDecode() throws Exception {
        assertEquals(HexFormat.of().formatHex(EXAMPLE),
                HexFormat.of().formatHex(Tt600Codec.encodeTime(new ReceiverReading(60, 23, 59, 58, 500), ' ')));
    }

    @Test
    void qualityCharacterGivesTheErrorBound() {
        assertEquals(1_000L, Tt600Codec.qualityErrorNanos(' '));
        assertEquals(10_000L, Tt600Codec.qualityErrorNanos('.'));
        assertEquals(100_000L, Tt600Codec.qualityErrorNanos('*'));
        assertEquals(1_000_000L, Tt600Codec.qualityErrorNanos('#'));
        assertEquals(-1L, Tt600Codec.qualityErrorNanos('?'));
    }

    @Test
    void questionMarkDecodesSoTheReferenceCanSayNoReference() throws Exception {
        assertEquals('?', Tt600Codec.decodeTime(ascii("\u0001128:20:30:04.357?\r\n"), 20).quality());
    }

    @Test
    void unknownQualityIsGarbage() {
        ReplyException e = assertThrows(ReplyException.class,
                () -> Tt600Codec.decodeTime(ascii("\u0001128:20:30:04.357X\r\n"), 20));
        assertTrue(e.garbage);
        assertTrue(e.getMessage().contains("unknown quality character 0x58"), e.getMessage());
    }

    @Test
    void framingRules() {
        for (String s : new String[] {"128:20:30:04.357 \r\n\u0000", "\u0001128-20:30:04.357 \r\n",
            "\u0001128:20:30:04,357 \r\n", "\u0001128:20:30:04.357 \n\r", "\u00011a8:20:30:04.357 \r\n"}) {
            ReplyException e = assertThrows(ReplyException.class, () -> Tt600Codec.decodeTime(ascii(s), 20), s);
            assertTrue(e.garbage);
        }
    }

    @Test
    void truncated() {
        ReplyException e = assertThrows(ReplyException.class, () -> Tt600Codec.decodeTime(EXAMPLE, 11));
        assertTrue(e.getMessage().startsWith("answers garbage: truncated reply (11 of 20 bytes)"), e.getMessage());
    }

    @Test
    void rangeRules() {
        for (String s : new String[] {"000:20:30:04.357", "367:20:30:04.357", "128:24:30:04.357", "128:20:60:04.357",
            "128:20:30:61.357", "128:20:30:60.357", "128:23:58:60.000"}) {
            ReplyException e = assertThrows(ReplyException.class,
                    () -> Tt600Codec.decodeTime(ascii("\u0001" + s + " \r\n"), 20), s);
            assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        }
    }

    @Test
    void leapSecondDecodesToTheRepeatedPosixSecond() throws Exception {
        Tt600Codec.TimeReply t = Tt600Codec.decodeTime(ascii("\u0001366:23:59:60.250 \r\n"), 20);
        assertTrue(t.reading().isLeapSecond());
        assertEquals(java.time.Instant.parse("2016-12-31T23:59:59.250Z").toEpochMilli() * 1_000_000L,
                t.reading().posixNanos(2016));
    }

    @Test
    void resyncReplyMustBeTheNoSuchFunctionError() throws Exception {
        Tt600Codec.checkResync(ascii("ERROR 05 NO SUCH FUNCTION\r\n"), 27);
        ReplyException e = assertThrows(ReplyException.class,
                () -> Tt600Codec.checkResync(ascii("ERROR 05 NO SUCH FUNCTION\r"), 26));
        assertTrue(e.garbage);
        assertThrows(ReplyException.class, () -> Tt600Codec.checkResync(ascii("OK\r\n"), 4));
    }

    @Test
    void yearReplyRules() {
        assertThrows(ReplyException.class, () -> Tt600Codec.decodeYear(ascii("F68 1996\r\n"), 10));
        assertThrows(ReplyException.class, () -> Tt600Codec.decodeYear(ascii("F68 20x6\r\n"), 10));
        assertThrows(ReplyException.class, () -> Tt600Codec.decodeYear(ascii("F69 2026\r\n"), 10));
        assertThrows(ReplyException.class, () -> Tt600Codec.decodeYear(ascii("F68 2026\r"), 9));
    }

    @Test
    void yearReadJustBeforeMidnightOfNewYearBelongsToTheOldYear() {
        ReceiverReading justAfter = new ReceiverReading(1, 0, 0, 0, 30);
        assertEquals(2027, Tt600Codec.yearOfReading(2026, justAfter, 80_000_000L));
        assertEquals(2026, Tt600Codec.yearOfReading(2026, justAfter, 20_000_000L));
        assertEquals(2026, Tt600Codec.yearOfReading(2026, new ReceiverReading(1, 0, 0, 1, 500), 80_000_000L));
        assertEquals(2026, Tt600Codec.yearOfReading(2026, new ReceiverReading(365, 23, 59, 59, 990), 80_000_000L));
    }
}
