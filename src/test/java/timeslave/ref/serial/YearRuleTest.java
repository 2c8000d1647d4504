package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class YearRuleTest {

    static long nanos(String iso) {
        Instant i = Instant.parse(iso);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    static final YearRule.Context FREE = new YearRule.Context(OptionalInt.empty());

    @Test
    void receiverYearStandsWhenItAgrees() throws Exception {
        ReceiverReading r = new ReceiverReading(74, 12, 34, 56, 789);
        YearRule.Resolved y = YearRule.resolve(r, 1997, false, FREE, nanos("1997-03-15T12:34:57Z"));
        assertEquals(nanos("1997-03-15T12:34:56.789Z"), y.receiverNanos());
        assertNull(y.note());
    }

    @Test
    void forcedYearOverridesAndSaysSoOnce() throws Exception {
        YearRule.Context ctx = new YearRule.Context(OptionalInt.of(2026));
        ReceiverReading r = new ReceiverReading(325, 5, 0, 0, 0);
        YearRule.Resolved y = YearRule.resolve(r, 2010, false, ctx, nanos("1970-01-02T00:00:00Z"));
        assertEquals(nanos("2026-11-21T05:00:00Z"), y.receiverNanos());
        assertEquals("says the year is 2010; using 2026", y.note());
        assertNull(YearRule.resolve(r, 2026, false, ctx, 0).note());
    }

    @Test
    void forcedYearAdvancesAtMidnightOnJanuaryFirst() throws Exception {
        YearRule.Context ctx = new YearRule.Context(OptionalInt.of(2026));
        assertEquals(2026, YearRule.resolve(new ReceiverReading(365, 23, 59, 59, 0), 2026, true, ctx, 0).year());
        YearRule.Resolved y = YearRule.resolve(new ReceiverReading(1, 0, 0, 0, 500), 2026, true, ctx, 0);
        assertEquals(2027, y.year());
        assertEquals(nanos("2027-01-01T00:00:00.500Z"), y.receiverNanos());
        assertEquals(2027, YearRule.resolve(new ReceiverReading(2, 0, 0, 0, 0), 2027, true, ctx, 0).year());
        // a backwards day in mid-year (a bad reading) does not advance the year
        assertEquals(2027, YearRule.resolve(new ReceiverReading(100, 0, 0, 0, 0), 2027, true, ctx, 0).year());
        assertEquals(2027, YearRule.resolve(new ReceiverReading(50, 0, 0, 0, 0), 2027, true, ctx, 0).year());
    }

    @Test
    void wholeYearOffNearNewYearKeepsTheOffsetModuloOneDay() throws Exception {
        // The receiver still says 2026 on 2 January 2027 (its year switches were not moved).
        ReceiverReading r = new ReceiverReading(2, 10, 0, 0, 0);
        YearRule.Resolved y = YearRule.resolve(r, 2026, false, FREE, nanos("2027-01-02T10:00:00.300Z"));
        assertEquals(nanos("2027-01-02T10:00:00Z"), y.receiverNanos());
        assertEquals("says the year is 2026; near New Year, using 2027", y.note());
        // and the other side of New Year
        YearRule.Resolved z = YearRule.resolve(new ReceiverReading(365, 10, 0, 0, 0), 2027, true, FREE,
                nanos("2026-12-31T10:00:00Z"));
        assertEquals(nanos("2026-12-31T10:00:00Z"), z.receiverNanos());
    }

    @Test
    void wholeYearOffAwayFromNewYearIsRefusedForSwitchYears() {
        ReceiverReading r = new ReceiverReading(170, 10, 0, 0, 0);
        ReplyException e = assertThrows(ReplyException.class,
                () -> YearRule.resolve(r, 2025, false, FREE, nanos("2026-06-19T10:00:00Z")));
        assertTrue(e.getMessage().startsWith("says the year is 2025 but the local clock says 2026"), e.getMessage());
    }

    @Test
    void gpsYearAwayFromNewYearIsTrusted() throws Exception {
        ReceiverReading r = new ReceiverReading(170, 10, 0, 0, 0);
        YearRule.Resolved y = YearRule.resolve(r, 2026, true, FREE, nanos("2025-06-20T10:00:00Z"));
        assertEquals(nanos("2026-06-19T10:00:00Z"), y.receiverNanos());
        assertNull(y.note());
    }

    @Test
    void day366OfACommonYearIsGarbage() {
        ReplyException e = assertThrows(ReplyException.class,
                () -> YearRule.resolve(new ReceiverReading(366, 0, 0, 0, 0), 2026, true, FREE, nanos("2026-12-31T00:00:00Z")));
        assertTrue(e.garbage);
        assertTrue(e.getMessage().contains("day 366 does not exist in 2026"), e.getMessage());
    }

    @Test
    void nearNewYearWindowIsFourteenDaysEachSide() {
        assertTrue(YearRule.nearNewYear(java.time.LocalDate.of(2027, 1, 14)));
        assertTrue(!YearRule.nearNewYear(java.time.LocalDate.of(2027, 1, 15)));
        assertTrue(YearRule.nearNewYear(java.time.LocalDate.of(2026, 12, 18)));
        assertTrue(!YearRule.nearNewYear(java.time.LocalDate.of(2026, 12, 17)));
    }
}
