package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class PstQaTest {

    /** PROTOCOLS.md §8.1 worked example. */
    static final byte[] EXAMPLE = HexFormat.of().parseHex("0800182A704418021416" + "00000D");

    @Test
    void decodesTheWorkedExample() throws Exception {
        PstQa.Reply r = PstQa.decode(EXAMPLE, EXAMPLE.length);
        assertEquals(new ReceiverReading(74, 12, 34, 56, 789), r.reading());
        assertEquals(11, r.yearCode());
        assertEquals(1997, PstQa.nearestSwitchYear(11, 1997));
        assertEquals(858_429_296_789_000_000L, r.reading().posixNanos(1997));
    }

    @Test
    void encodeIsTheInverseOfDecode() throws Exception {
        ReceiverReading rd = new ReceiverReading(366, 23, 59, 60, 999);
        byte[] b = PstQa.encode(0x08, rd, 15);
        assertEquals(rd, PstQa.decode(b, b.length).reading());
        assertEquals(15, PstQa.decode(b, b.length).yearCode());
        assertEquals(HexFormat.of().formatHex(EXAMPLE),
                HexFormat.of().formatHex(PstQa.encode(0x08, new ReceiverReading(74, 12, 34, 56, 789), 11)));
    }

    @Test
    void theLowBitOfEachFieldIsIgnoredAsTimeslaveDid() throws Exception {
        byte[] b = EXAMPLE.clone();
        for (int i = 2; i <= 9; i++) {
            b[i] |= 1;
        }
        assertEquals(new ReceiverReading(74, 12, 34, 56, 789), PstQa.decode(b, b.length).reading());
    }

    @Test
    void truncatedReplyIsGarbage() {
        ReplyException e = assertThrows(ReplyException.class, () -> PstQa.decode(EXAMPLE, 12));
        assertTrue(e.garbage);
        assertTrue(e.getMessage().startsWith("answers garbage: truncated reply (12 of 13 bytes)"), e.getMessage());
    }

    @Test
    void statusRules() {
        assertStatus(0x00, false, "reports no time available (status 0x00)");
        assertStatus(0x09, false, "reports a fault (status 0x09: signal fault)");
        assertStatus(0x0E, false, "reports a fault (status 0x0e: hardware fault out of spec)");
        assertStatus(0x41, true, "answers garbage: bad status byte 0x41");
        assertStatus(0x18, true, "answers garbage: bad status byte 0x18");
    }

    private static void assertStatus(int status, boolean garbage, String prefix) {
        byte[] b = EXAMPLE.clone();
        b[0] = (byte) status;
        ReplyException e = assertThrows(ReplyException.class, () -> PstQa.decode(b, b.length));
        assertEquals(garbage, e.garbage);
        assertTrue(e.getMessage().startsWith(prefix), e.getMessage());
    }

    @Test
    void amPmByteMustBeZero() {
        byte[] b = EXAMPLE.clone();
        b[1] = 2;
        ReplyException e = assertThrows(ReplyException.class, () -> PstQa.decode(b, b.length));
        assertTrue(e.getMessage().contains("AM/PM byte 0x02"), e.getMessage());
    }

    @Test
    void lastByteMustBeCr() {
        byte[] b = EXAMPLE.clone();
        b[12] = '\n';
        ReplyException e = assertThrows(ReplyException.class, () -> PstQa.decode(b, b.length));
        assertTrue(e.getMessage().contains("byte 12 is 0x0a, not CR"), e.getMessage());
    }

    @Test
    void fieldRangeRules() {
        int[][] bad = { // offset, raw byte: ms 1000, s 61, min 60, h 24, day 0, day 367
            {2, (1000 / 64) << 1, 3, (1000 % 64) << 1},
            {4, 61 << 1}, {5, 60 << 1}, {6, 24 << 1}, {7, 0, 8, 0}, {7, (367 / 64) << 1, 8, (367 % 64) << 1}};
        for (int[] f : bad) {
            byte[] b = EXAMPLE.clone();
            for (int i = 0; i < f.length; i += 2) {
                b[f[i]] = (byte) f[i + 1];
            }
            ReplyException e = assertThrows(ReplyException.class, () -> PstQa.decode(b, b.length));
            assertTrue(e.getMessage().contains("out of range"), e.getMessage());
        }
    }

    @Test
    void secondSixtyOnlyInTheLastMinuteOfTheDay() throws Exception {
        byte[] leap = PstQa.encode(0x08, new ReceiverReading(365, 23, 59, 60, 500), 14);
        assertTrue(PstQa.decode(leap, 13).reading().isLeapSecond());
        byte[] b = leap.clone();
        b[5] = (byte) (58 << 1);
        assertThrows(ReplyException.class, () -> PstQa.decode(b, 13));
    }

    @Test
    void yearCodeMustFitFourSwitches() {
        byte[] b = EXAMPLE.clone();
        b[9] = (byte) (16 << 1);
        ReplyException e = assertThrows(ReplyException.class, () -> PstQa.decode(b, b.length));
        assertTrue(e.getMessage().contains("year code 16"), e.getMessage());
    }

    @Test
    void switchYearWrapsEverySixteenYears() {
        assertEquals(1986, PstQa.nearestSwitchYear(0, 1986));
        assertEquals(2001, PstQa.nearestSwitchYear(15, 2001));
        assertEquals(2002, PstQa.nearestSwitchYear(0, 2002));
        assertEquals(2026, PstQa.nearestSwitchYear(8, 2026));
        assertEquals(8, PstQa.switchCode(2026));
        assertEquals(2025, PstQa.nearestSwitchYear(7, 2026));
        assertEquals(2027, PstQa.nearestSwitchYear(9, 2026));
        assertFalse(PstQa.nearestSwitchYear(0, 2026) == 2026);
    }
}
