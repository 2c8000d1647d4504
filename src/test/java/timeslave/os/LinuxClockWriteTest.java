package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.sun.jna.NativeLong;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import timeslave.time.ClockException;
import timeslave.time.SystemClock.Leap;

/** The write path, against a mocked binding: exactly which struct fields and mode bits reach the kernel. */
class LinuxClockWriteTest {
    /** What one clock_adjtime call carried, copied at the moment of the call. */
    record Call(int clockId, int modes, long offset, long freq, long maxerror, long esterror, int status, long sec,
                long usec, long tick) {
    }

    private final List<Call> writes = new ArrayList<>();
    private TimexCall call;
    private LinuxClock clock;
    /** What a read (modes = 0) returns. */
    private long kernelTick = 10_000;
    private long kernelFreq;
    private int kernelStatus = Timex.STA_PLL | Timex.STA_UNSYNC;

    @BeforeEach
    void setUp() throws ClockException {
        call = mock(TimexCall.class);
        when(call.clockAdjtime(anyInt(), any(Timex.class))).thenAnswer(inv -> {
            Timex tx = inv.getArgument(1);
            if (tx.modes == 0) {
                tx.tick = new NativeLong(kernelTick);
                tx.freq = new NativeLong(kernelFreq);
                tx.status = kernelStatus;
            } else {
                writes.add(new Call(inv.getArgument(0), tx.modes, tx.offset.longValue(), tx.freq.longValue(),
                        tx.maxerror.longValue(), tx.esterror.longValue(), tx.status, tx.timeSec.longValue(),
                        tx.timeUsec.longValue(), tx.tick.longValue()));
            }
            return 5;
        });
        clock = new LinuxClock(call, new SystemTime());
    }

    private Call only() {
        assertEquals(1, writes.size(), writes.toString());
        return writes.get(0);
    }

    @Test
    void stepForwardIsSetoffsetWithNanoseconds() throws ClockException {
        clock.step(1_500_000_000L);
        Call c = only();
        assertEquals(TimexCall.CLOCK_REALTIME, c.clockId());
        assertEquals(0x2100, c.modes());
        assertEquals(1, c.sec());
        assertEquals(500_000_000L, c.usec());
    }

    @Test
    void stepBackIsNegativeSecondsPlusPositiveNanoseconds() throws ClockException {
        clock.step(-1_500_000_000L);
        assertEquals(new Call(0, Timex.ADJ_SETOFFSET | Timex.ADJ_NANO, 0, 0, 0, 0, 0, -2, 500_000_000L, 0), only());
        writes.clear();
        clock.step(-1);
        assertEquals(-1, only().sec());
        assertEquals(999_999_999L, only().usec());
        writes.clear();
        clock.step(-3_000_000_000L);
        assertEquals(-3, only().sec());
        assertEquals(0, only().usec());
    }

    @Test
    void slewIsSingleshotInMicroseconds() throws ClockException {
        clock.slew(2_500_600);
        assertEquals(new Call(0, 0x8001, 2501, 0, 0, 0, 0, 0, 0, 0), only());
        writes.clear();
        clock.slew(-128_000_000);
        assertEquals(-128_000, only().offset());
        assertEquals(Timex.ADJ_OFFSET_SINGLESHOT, only().modes());
    }

    @Test
    void absurdSlewNeverReachesTheKernel() {
        assertThrows(ClockException.class, () -> clock.slew(3_000_000_000_000L));
        assertTrue(writes.isEmpty());
    }

    @Test
    void frequencyWithin500ppmIsFreqAlone() throws ClockException {
        clock.setFrequency(12_345.0);
        assertEquals(new Call(0, Timex.ADJ_FREQUENCY, 0, 809_042, 0, 0, 0, 0, 0, 0), only());
        writes.clear();
        clock.setFrequency(-500_000.0);
        assertEquals(-32_768_000L, only().freq());
        assertEquals(Timex.ADJ_FREQUENCY, only().modes());
    }

    @Test
    void frequencyBeyond500ppmUsesTicks() throws ClockException {
        clock.setFrequency(1_234_567.0);
        Call c = only();
        assertEquals(Timex.ADJ_FREQUENCY | Timex.ADJ_TICK, c.modes());
        assertEquals(10_012, c.tick(), "12 tick units of 100 ppm");
        assertEquals(2_265_383, c.freq(), "the remaining 34 567 ns/s in 2^-16 ppm");
        writes.clear();
        clock.setFrequency(-50_000_000.0);
        assertEquals(9_500, only().tick());
        assertEquals(0, only().freq());
    }

    @Test
    void frequencyBackWithinRangeRestoresTheNominalTick() throws ClockException {
        kernelTick = 10_012;
        clock.setFrequency(0.0);
        assertEquals(new Call(0, Timex.ADJ_FREQUENCY | Timex.ADJ_TICK, 0, 0, 0, 0, 0, 0, 0, 10_000), only());
    }

    @Test
    void frequencyBeyondTenPercentNeverReachesTheKernel() {
        assertThrows(ClockException.class, () -> clock.setFrequency(100_000_001.0));
        assertThrows(ClockException.class, () -> clock.setFrequency(Double.NaN));
        assertTrue(writes.isEmpty());
    }

    @Test
    void frequencyReadsFreqAndTick() throws ClockException {
        kernelFreq = 3 * 65_536;
        kernelTick = 10_001;
        assertEquals(103_000.0, clock.frequency(), 1e-9);
        assertTrue(writes.isEmpty());
    }

    @Test
    void errorEstimatesInMicrosecondsAndUnsyncCleared() throws ClockException {
        clock.setErrorEstimates(1_500_000, 250_001, true);
        assertEquals(new Call(0, Timex.ADJ_MAXERROR | Timex.ADJ_ESTERROR | Timex.ADJ_STATUS, 0, 0, 1500, 251,
                Timex.STA_PLL, 0, 0, 0), only());
    }

    @Test
    void errorEstimatesUnsynchronisedSetsUnsync() throws ClockException {
        kernelStatus = Timex.STA_PLL;
        clock.setErrorEstimates(16_000_000_000L, 16_000_000_000L, false);
        Call c = only();
        assertEquals(Timex.STA_PLL | Timex.STA_UNSYNC, c.status());
        assertEquals(16_000_000L, c.maxerror());
    }

    @Test
    void leapSetsInsOrDelInStatus() throws ClockException {
        kernelStatus = Timex.STA_PLL | Timex.STA_DEL;
        clock.setLeap(Leap.INSERT);
        assertEquals(Timex.STA_PLL | Timex.STA_INS, only().status());
        assertEquals(Timex.ADJ_STATUS, only().modes());
        writes.clear();
        clock.setLeap(Leap.DELETE);
        assertEquals(Timex.STA_PLL | Timex.STA_DEL, only().status());
        writes.clear();
        clock.setLeap(Leap.NONE);
        assertEquals(Timex.STA_PLL, only().status());
    }

    @Test
    void leapTouchesOnlyInsAndDel() throws ClockException {
        // Every other status bit the kernel reports (PLL, PPS, FLL, UNSYNC, NANO, ...) is written back as read.
        int others = 0xFFFF & ~(Timex.STA_INS | Timex.STA_DEL);
        kernelStatus = others;
        clock.setLeap(Leap.INSERT);
        assertEquals(others | Timex.STA_INS, only().status());
        writes.clear();
        kernelStatus = others | Timex.STA_INS;
        clock.setLeap(Leap.NONE);
        assertEquals(others, only().status());
        assertEquals(Timex.ADJ_STATUS, only().modes());
    }

    @Test
    void errorEstimatesKeepAnArmedLeap() throws ClockException {
        // The daemon sets its error estimates after every measurement: that must not cancel an armed leap.
        kernelStatus = Timex.STA_PLL | Timex.STA_INS | Timex.STA_UNSYNC;
        clock.setErrorEstimates(1_000, 500, true);
        assertEquals(Timex.STA_PLL | Timex.STA_INS, only().status());
    }

    @Test
    void minusOneBecomesAClockExceptionNamingCallAndErrno() throws ClockException {
        when(call.clockAdjtime(anyInt(), any(Timex.class))).thenReturn(-1);
        when(call.lastErrno()).thenReturn(Libc.EPERM);
        ClockException e = assertThrows(ClockException.class, () -> clock.step(1));
        assertEquals("clock_adjtime(ADJ_SETOFFSET|ADJ_NANO): EPERM (Operation not permitted): changing the clock "
                + "needs root or CAP_SYS_TIME", e.getMessage());
        when(call.lastErrno()).thenReturn(Libc.EINVAL);
        e = assertThrows(ClockException.class, () -> clock.slew(1000));
        assertEquals("clock_adjtime(ADJ_OFFSET_SINGLESHOT): EINVAL (Invalid argument)", e.getMessage());
    }

    @Test
    void timeStateFiveIsNotAnError() throws ClockException {
        clock.step(1);
        assertEquals(1, writes.size());
    }
}
