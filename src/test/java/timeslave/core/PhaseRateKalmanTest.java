package timeslave.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PhaseRateKalmanTest {

    @Test
    void findsTheRateOfAPhaseRampAndForgetsAStartingGuess() {
        PhaseRateKalman k = new PhaseRateKalman();
        k.start(0, 0, 1e6, 0, 1e12);
        for (int i = 1; i <= 500; i++) {
            k.predict(16, 1.0);
            k.update(50.0 * 16 * i, 1e6);
        }
        assertEquals(50.0, k.rateNsPerSec(), 1e-6);
        assertEquals(50.0 * 16 * 500, k.phaseNanos(), 1e-3);
    }

    @Test
    void nothingMovesForANonPositiveInterval() {
        PhaseRateKalman k = new PhaseRateKalman();
        k.start(10, 2, 4, 1, 3);
        k.predict(0, 1.0);
        k.predict(-5, 1.0);
        assertEquals(10, k.phaseNanos());
        assertEquals(4, k.phaseVar());
        assertEquals(1, k.covar());
        assertEquals(3, k.rateVar());
    }

    @Test
    void itsRateVarianceIsHonestForWanderingRateAndNoisyPhase() {
        // Truth: rate random walk of 1 ns/s per sqrt(s), phase measured with sd 1 us every 16 s.
        // Over many steps the squared rate error averages the filter's own variance (within 15 %).
        long seed = 11;
        SplittableRandom random = new SplittableRandom(seed);
        PhaseRateKalman k = new PhaseRateKalman();
        k.start(0, 0, 1e6, 0, 1e6);
        double phase = 0;
        double rate = 0;
        double sumSq = 0;
        double sumVar = 0;
        int n = 0;
        for (int i = 0; i < 40_000; i++) {
            for (int s = 0; s < 16; s++) {
                phase += rate;
                rate += random.nextGaussian();
            }
            k.predict(16, 1.0);
            k.update(phase + 1_000 * random.nextGaussian(), 1e6);
            if (i > 1_000) {
                double d = k.rateNsPerSec() - rate;
                sumSq += d * d;
                sumVar += k.rateVar();
                n++;
            }
        }
        double ratio = sumSq / sumVar;
        assertTrue(ratio > 0.85 && ratio < 1.15, "seed " + seed + ": error²/variance " + ratio);
    }
}
