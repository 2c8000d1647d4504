package timeslave.sim;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The network between the local host and the reference: each packet's one-way delay is
 * base + jitter·X, X drawn per packet and direction from the path's {@link Jitter} shape (mean 1;
 * Exp(1) unless stated); a packet may be lost, or delayed by an extra spike; the server's two
 * timestamps may each carry noise; and the jitter may be correlated over time (a queue that fills
 * and drains) instead of drawn afresh for every packet.
 *
 * @param baseNanos          fixed one-way delay in each direction, ns
 * @param upJitterNanos      mean jitter, local → reference, ns
 * @param downJitterNanos    mean jitter, reference → local, ns
 * @param lossProbability    chance a packet (either direction) is lost
 * @param spikeProbability   chance a packet is delayed by a further spikeNanos
 * @param spikeNanos         the spike's extra delay, ns
 * @param jitter             the jitter's distribution, scaled to mean 1
 * @param serverNoiseNanos   each server timestamp is late by uniform [0, this), ns (chrony's fuzz below its precision)
 * @param correlationSec     the jitter of each direction is correlated over this time constant, s (0: independent)
 */
public record SimPath(long baseNanos, double upJitterNanos, double downJitterNanos, double lossProbability,
                      double spikeProbability, long spikeNanos, Jitter jitter, double serverNoiseNanos,
                      double correlationSec) {

    /**
     * The jitter's shape, mean 1: with probability 1 − p2 a Gamma(k) of mean m1, else one of mean
     * m2 (p2 = 0: a single Gamma(k); k = 1: exponential). Exp(1) is (1, 0, 1, 1); Gamma(k=2) of the same
     * mean (a sum of two Exp(1/2)) is (2, 0, 1, 1); 0.8·Exp(0.25) + 0.2·Exp(4) is (1, 0.2, 0.25, 4).
     */
    public record Jitter(int k, double p2, double m1, double m2) {
        public static final Jitter EXP = new Jitter(1, 0, 1, 1);

        public Jitter {
            if (k < 1 || p2 < 0 || p2 > 1 || m1 < 0 || m2 < 0) {
                throw new IllegalArgumentException("jitter shape: k >= 1, 0 <= p2 <= 1, means >= 0");
            }
        }

        public static Jitter gamma(int k) {
            return new Jitter(k, 0, 1, 1);
        }

        /** (1 − p2)·Exp(m1) + p2·Exp(m2), as fractions of the path's mean jitter. */
        public static Jitter mixture(double p2, double m1, double m2) {
            return new Jitter(1, p2, m1, m2);
        }

        /** The mean (1 for the shapes above: the path's jitter figure is then the mean jitter). */
        public double mean() {
            return (1 - p2) * m1 + p2 * m2;
        }

        /** One draw. */
        double draw(SplittableRandom r) {
            double m = p2 > 0 && r.nextDouble() < p2 ? m2 : m1;
            double sum = 0;
            for (int i = 0; i < k; i++) {
                sum += -Math.log(1.0 - r.nextDouble());
            }
            return m * sum / k;
        }

        @Override
        public String toString() {
            if (p2 == 0) {
                return k == 1 ? "Exp" : "Gamma(k=" + k + ")";
            }
            return String.format(Locale.ROOT, "%.3g Exp(%.3g) + %.3g Exp(%.3g)", 1 - p2, m1, p2, m2);
        }
    }

    /** A symmetric path with exponential jitter. */
    public static SimPath symmetric(long baseNanos, double jitterNanos) {
        return new SimPath(baseNanos, jitterNanos, jitterNanos, 0, 0, 0, Jitter.EXP, 0, 0);
    }

    public SimPath withLoss(double p) {
        return new SimPath(baseNanos, upJitterNanos, downJitterNanos, p, spikeProbability, spikeNanos, jitter,
                serverNoiseNanos, correlationSec);
    }

    public SimPath withSpikes(double p, long extraNanos) {
        return new SimPath(baseNanos, upJitterNanos, downJitterNanos, lossProbability, p, extraNanos, jitter,
                serverNoiseNanos, correlationSec);
    }

    /** Splits the total mean jitter 2·j as up = 2j·(0.5 − a), down = 2j·(0.5 + a) (a = 0.47: 0.06/1.94). */
    public SimPath withJitterAsymmetry(double a) {
        double total = upJitterNanos + downJitterNanos;
        return new SimPath(baseNanos, total * (0.5 - a), total * (0.5 + a), lossProbability, spikeProbability,
                spikeNanos, jitter, serverNoiseNanos, correlationSec);
    }

    /** The same path with its base delay and both jitters scaled. */
    public SimPath scaled(double baseFactor, double jitterFactor) {
        return new SimPath(Math.round(baseNanos * baseFactor), upJitterNanos * jitterFactor,
                downJitterNanos * jitterFactor, lossProbability, spikeProbability, spikeNanos, jitter,
                serverNoiseNanos, correlationSec);
    }

    public SimPath withJitter(Jitter shape) {
        return new SimPath(baseNanos, upJitterNanos, downJitterNanos, lossProbability, spikeProbability, spikeNanos,
                shape, serverNoiseNanos, correlationSec);
    }

    public SimPath withServerNoise(double nanos) {
        return new SimPath(baseNanos, upJitterNanos, downJitterNanos, lossProbability, spikeProbability, spikeNanos,
                jitter, nanos, correlationSec);
    }

    /**
     * The jitter of each direction follows a process correlated over {@code sec} with the same
     * marginal Gamma(k) shape (a queue that fills and drains; the mixture's second component is ignored).
     */
    public SimPath withCorrelation(double sec) {
        return new SimPath(baseNanos, upJitterNanos, downJitterNanos, lossProbability, spikeProbability, spikeNanos,
                jitter, serverNoiseNanos, sec);
    }

    /** One packet's delay in the given direction, ns, or -1 if it is lost (independent jitter). */
    long delayNanos(boolean up, SplittableRandom r) {
        return delayNanos(up, r, null, 0);
    }

    /**
     * One packet's delay, ns, or -1 if lost; with a correlated path the jitter comes from
     * {@code queue} advanced to {@code trueSec}.
     */
    long delayNanos(boolean up, SplittableRandom r, Queue queue, double trueSec) {
        double scale = up ? upJitterNanos : downJitterNanos;
        double x = correlationSec > 0 && queue != null ? queue.at(up, trueSec, r) : jitter.draw(r);
        double d = baseNanos + scale * x / jitter.mean();
        if (spikeProbability > 0 && r.nextDouble() < spikeProbability) {
            d += spikeNanos;
        }
        if (lossProbability > 0 && r.nextDouble() < lossProbability) {
            return -1;
        }
        return Math.round(d);
    }

    /** Server timestamp noise, ns: uniform in [0, serverNoiseNanos). */
    double serverNoise(SplittableRandom r) {
        return serverNoiseNanos > 0 ? serverNoiseNanos * r.nextDouble() : 0;
    }

    /**
     * The state of a correlated path: per direction 2k Ornstein–Uhlenbeck normals of time constant
     * {@link #correlationSec}; half the sum of their squares over k is Gamma(k) of mean 1 at any
     * instant (k = 1: exponential), and it changes over about the time constant.
     */
    final class Queue {
        private final double[][] x = new double[2][2 * jitter.k()];
        private final double[] lastSec = {Double.NaN, Double.NaN};

        double at(boolean up, double trueSec, SplittableRandom r) {
            int d = up ? 0 : 1;
            double[] v = x[d];
            double rho = Double.isNaN(lastSec[d]) ? 0 : Math.exp(-Math.max(0, trueSec - lastSec[d]) / correlationSec);
            double fresh = Math.sqrt(1 - rho * rho);
            double sum = 0;
            for (int i = 0; i < v.length; i++) {
                v[i] = rho * v[i] + fresh * SimOscillator.gaussian(r);
                sum += v[i] * v[i];
            }
            lastSec[d] = trueSec;
            return jitter.m1() * sum / 2 / jitter.k();
        }
    }
}
