package timeslave.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SelectionTest {

    @Test
    void oneFalsetickerAmongThreeIsLeftOut() {
        Selection.Result r = Selection.select(new double[] {-100, -50, 900}, new double[] {100, 150, 1100});
        assertEquals(List.of(0, 1), r.truechimers());
        assertEquals(-50, r.loNanos());
        assertEquals(100, r.hiNanos());
        assertTrue(r.majorityOf(3));
    }

    @Test
    void touchingIntervalsAgree() {
        Selection.Result r = Selection.select(new double[] {0, 10}, new double[] {10, 20});
        assertEquals(List.of(0, 1), r.truechimers());
        assertEquals(10, r.loNanos());
        assertEquals(10, r.hiNanos());
    }

    @Test
    void disjointIntervalsGiveNoMajority() {
        Selection.Result r = Selection.select(new double[] {0, 10, 20}, new double[] {1, 11, 21});
        assertEquals(1, r.truechimers().size());
        assertFalse(r.majorityOf(3));
    }

    @Test
    void honestIntervalsAlwaysAllAgree() {
        for (long seed = 1; seed <= 200; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            int n = 1 + random.nextInt(6);
            double truth = random.nextDouble() * 1e6;
            double[] lo = new double[n];
            double[] hi = new double[n];
            for (int i = 0; i < n; i++) {
                lo[i] = truth - random.nextDouble() * 1e4;
                hi[i] = truth + random.nextDouble() * 1e4;
            }
            Selection.Result r = Selection.select(lo, hi);
            assertEquals(n, r.truechimers().size(), "seed " + seed);
            assertTrue(r.loNanos() <= truth && truth <= r.hiNanos(), "seed " + seed);
        }
    }

    @Test
    void badInputIsRefusedClearly() {
        assertNull(Selection.select(new double[0], new double[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Selection.select(new double[] {5}, new double[] {1}));
        assertTrue(e.getMessage().contains("interval 0 is empty"), e.getMessage());
    }
}
