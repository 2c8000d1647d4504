package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.OptionalInt;
import timeslave.ref.serial.PstQa;
import timeslave.ref.serial.ReplyException;
import timeslave.ref.serial.YearRule;

/**
 * Fuzzes the PST/Traconex QA0000 reply decoder ({@link PstQa#decode}) and the year resolution that
 * turns a decoded reply into a POSIX time ({@link YearRule#resolve}, as PstWwvReference uses it): a
 * reply is a reading or a {@link ReplyException}. Seeds: the replies of test-fixtures/serial/pst-*.dialogue
 * and trc-good.dialogue, one seed per query.
 */
class PstQaFuzzTest {
    /** The local clock at the fixtures' recording, 2026-11-21T05:19:27Z. */
    private static final long LOCAL_NANOS = 1_795_238_367_184_325_426L;
    private static final int LOCAL_YEAR = 2026;

    @FuzzTest
    void decode(byte[] reply) {
        PstQa.Reply r;
        try {
            r = PstQa.decode(reply, reply.length);
        } catch (ReplyException e) {
            assertNotNull(e.getMessage());
            assertFalse(e.getMessage().isBlank());
            return;
        }
        assertTrue(reply.length >= PstQa.REPLY_LENGTH);
        assertEquals(0x08, r.status(), "status");
        assertEquals(0, reply[1], "AM/PM byte");
        assertEquals('\r', reply[12]);
        assertTrue(r.reading().inRange(), "reading " + r.reading());
        assertTrue(r.yearCode() >= 0 && r.yearCode() < PstQa.SWITCH_YEAR_PERIOD, "year code " + r.yearCode());
        // The encoder writes what decodes to the same reply (the wire allows several spellings of one
        // value: bit 0 of each byte is ignored and the low ms and day bytes may exceed 63, as timeslave.c read them).
        byte[] again = PstQa.encode(r.status(), r.reading(), r.yearCode());
        try {
            assertEquals(r, PstQa.decode(again, again.length), "encode then decode");
        } catch (ReplyException e) {
            throw new AssertionError("our own encoding of " + r + " is refused: " + e.getMessage(), e);
        }
        for (OptionalInt forced : new OptionalInt[] {OptionalInt.empty(), OptionalInt.of(LOCAL_YEAR)}) {
            int switchYear = PstQa.nearestSwitchYear(r.yearCode(), LOCAL_YEAR);
            assertEquals(r.yearCode(), PstQa.switchCode(switchYear));
            assertTrue(Math.abs(switchYear - LOCAL_YEAR) <= PstQa.SWITCH_YEAR_PERIOD / 2);
            try {
                YearRule.Resolved y = YearRule.resolve(r.reading(), switchYear, false, new YearRule.Context(forced),
                        LOCAL_NANOS);
                assertEquals(r.reading().posixNanos(y.year()), y.receiverNanos(), "resolved time of " + r.reading());
            } catch (ReplyException e) {
                assertNotNull(e.getMessage());
            }
        }
    }
}
