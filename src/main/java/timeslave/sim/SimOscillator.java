package timeslave.sim;

import java.util.SplittableRandom;

/**
 * The local clock's crystal: a frequency error (ns/s, positive = the clock gains) that takes a
 * random walk, N(0, wander²) added every second, as clknetsim models a PC oscillator.
 */
public final class SimOscillator {
    private final SplittableRandom random;
    private final double wanderNsPerSec;
    private double freqNsPerSec;
    private long ticks;
    private long stepAtTick = -1;
    private double stepNsPerSec;

    /**
     * @param freqNsPerSec   initial frequency error, ns/s (+50 000 = 50 ppm fast)
     * @param wanderNsPerSec standard deviation of the change added each second, ns/s (1 = 1e-9)
     */
    public SimOscillator(double freqNsPerSec, double wanderNsPerSec, SplittableRandom random) {
        this.freqNsPerSec = freqNsPerSec;
        this.wanderNsPerSec = wanderNsPerSec;
        this.random = random;
    }

    /** At {@code atSec} seconds after the start the frequency changes by {@code nsPerSec} at once (a temperature step). */
    void step(long atSec, double nsPerSec) {
        stepAtTick = atSec;
        stepNsPerSec = nsPerSec;
    }

    /** The frequency error now, ns/s. */
    public double freqNsPerSec() {
        return freqNsPerSec;
    }

    /** One second passes. */
    void tick() {
        ticks++;
        if (ticks == stepAtTick) {
            freqNsPerSec += stepNsPerSec;
        }
        if (wanderNsPerSec != 0) {
            freqNsPerSec += wanderNsPerSec * gaussian(random);
        }
    }

    /** A standard normal deviate (Box–Muller; SplittableRandom has no nextGaussian before Java 17's RandomGenerator default). */
    static double gaussian(SplittableRandom r) {
        double u = 1.0 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
