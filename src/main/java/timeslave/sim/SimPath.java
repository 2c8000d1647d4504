package timeslave.sim;

import java.util.SplittableRandom;

/**
 * The network between the local host and the reference: each packet's one-way delay is
 * base + jitter·Exp(1), drawn independently per packet and direction; a packet may be lost, or
 * delayed by an extra spike.
 *
 * @param baseNanos          fixed one-way delay in each direction, ns
 * @param upJitterNanos      mean exponential jitter, local → reference, ns
 * @param downJitterNanos    mean exponential jitter, reference → local, ns
 * @param lossProbability    chance a packet (either direction) is lost
 * @param spikeProbability   chance a packet is delayed by a further spikeNanos
 * @param spikeNanos         the spike's extra delay, ns
 */
public record SimPath(long baseNanos, double upJitterNanos, double downJitterNanos, double lossProbability,
                      double spikeProbability, long spikeNanos) {

    /** A symmetric path. */
    public static SimPath symmetric(long baseNanos, double jitterNanos) {
        return new SimPath(baseNanos, jitterNanos, jitterNanos, 0, 0, 0);
    }

    public SimPath withLoss(double p) {
        return new SimPath(baseNanos, upJitterNanos, downJitterNanos, p, spikeProbability, spikeNanos);
    }

    public SimPath withSpikes(double p, long extraNanos) {
        return new SimPath(baseNanos, upJitterNanos, downJitterNanos, lossProbability, p, extraNanos);
    }

    /** Splits the total mean jitter 2·j as up = 2j·(0.5 − a), down = 2j·(0.5 + a) (a = 0.47: 0.06/1.94). */
    public SimPath withJitterAsymmetry(double a) {
        double total = upJitterNanos + downJitterNanos;
        return new SimPath(baseNanos, total * (0.5 - a), total * (0.5 + a), lossProbability, spikeProbability,
                spikeNanos);
    }

    /** One packet's delay in the given direction, ns, or -1 if it is lost. */
    long delayNanos(boolean up, SplittableRandom r) {
        double jitter = up ? upJitterNanos : downJitterNanos;
        double d = baseNanos + jitter * -Math.log(1.0 - r.nextDouble());
        if (spikeProbability > 0 && r.nextDouble() < spikeProbability) {
            d += spikeNanos;
        }
        if (lossProbability > 0 && r.nextDouble() < lossProbability) {
            return -1;
        }
        return Math.round(d);
    }
}
