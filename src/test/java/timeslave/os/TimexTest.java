package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TimexTest {
    @Test
    void layoutIsTheX8664Kernels() {
        Timex tx = new Timex();
        assertEquals(Timex.SIZE_X86_64, tx.size());
        assertEquals(0, tx.offsetOf("modes"));
        assertEquals(8, tx.offsetOf("offset"));
        assertEquals(16, tx.offsetOf("freq"));
        assertEquals(24, tx.offsetOf("maxerror"));
        assertEquals(32, tx.offsetOf("esterror"));
        assertEquals(40, tx.offsetOf("status"));
        assertEquals(48, tx.offsetOf("constant"));
        assertEquals(72, tx.offsetOf("timeSec"));
        assertEquals(80, tx.offsetOf("timeUsec"));
        assertEquals(88, tx.offsetOf("tick"));
        assertEquals(112, tx.offsetOf("shift"));
        assertEquals(120, tx.offsetOf("stabil"));
        assertEquals(160, tx.offsetOf("tai"));
    }

    @Test
    void modeNamesForMessages() {
        assertEquals("read", Timex.modeNames(0));
        assertEquals("ADJ_SETOFFSET|ADJ_NANO", Timex.modeNames(Timex.ADJ_SETOFFSET | Timex.ADJ_NANO));
        assertEquals("ADJ_OFFSET_SINGLESHOT", Timex.modeNames(Timex.ADJ_OFFSET_SINGLESHOT));
        assertEquals("ADJ_FREQUENCY|ADJ_TICK", Timex.modeNames(Timex.ADJ_FREQUENCY | Timex.ADJ_TICK));
        assertEquals("ADJ_MAXERROR|ADJ_ESTERROR|ADJ_STATUS",
                Timex.modeNames(Timex.ADJ_MAXERROR | Timex.ADJ_ESTERROR | Timex.ADJ_STATUS));
    }
}
