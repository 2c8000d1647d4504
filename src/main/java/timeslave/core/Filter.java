package timeslave.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Robust averaging of samples: a delay-weighted straight-line fit of offset against monotonic
 * time over an adaptive window, with gates that refuse samples implying more drift than -D and
 * single spikes ("popcorn"), and an honest interval for the offset now.
 *
 * <p>Model (as chrony's sourcestats.c): offset(t) = a + b·(t − t̄). Samples are weighted by
 * 1/(floor² + e²/12), where e is the sample's excess delay over the smallest delay in the
 * window: for independent one-way jitter, the offset error of a two-way exchange
 * ((T2−T1)+(T3−T4))/2 (RFC 5905 §8) is spread evenly over ±e/2, whose variance is e²/12.
 * The window shrinks from the oldest end while a runs test on the residual signs says the
 * residuals are not white (the oscillator has wandered), so it is long when jitter dominates and
 * short when wander does.
 *
 * <p>Offsets are reference − local; every stored offset is corrected when the clock is moved
 * ({@link #clockChanged}).
 */
public final class Filter implements ClockChangeListener {

    /** Why {@link #add} did what it did. */
    public enum Verdict {
        ACCEPTED, REJECTED_SPIKE, REJECTED_DRIFT,
        /** Several rejected samples agreed with each other: the clock really moved; the filter restarted on them. */
        JUMP
    }

    /** Most samples kept (chrony MAX_SAMPLES). */
    static final int MAX_SAMPLES = 64;
    /** Fewest samples for a straight-line fit with a residual. */
    static final int MIN_FIT_SAMPLES = 3;
    /** The runs test never cuts the window below this many samples (chrony's minsamples). */
    static final int MIN_WINDOW_SAMPLES = 6;
    /** A sample further from the prediction than this many combined standard deviations is a spike. */
    static final double GATE_SIGMAS = 5.0;
    /** Smallest spike gate, ns: clock reading and timestamp granularity on a fast path. */
    static final double MIN_GATE_NANOS = 10_000.0;
    /** Frequency wander allowed for between samples when gating, ns/s (a PC crystal in a warm room). */
    static final double GATE_WANDER_NS_PER_SEC = 1_000.0;
    /** Rejected samples that must agree before the filter believes the clock moved. */
    static final int JUMP_AGREEING_SAMPLES = 3;
    /** Smallest weight floor, ns: below this the weights stop favouring low-delay samples. */
    static final double MIN_WEIGHT_FLOOR_NANOS = 100.0;
    /** The weight floor is this fraction of the excess delay at {@link #WEIGHT_FLOOR_QUANTILE}: what even a good sample may be off by. */
    static final double WEIGHT_FLOOR_FRACTION = 0.5;
    /** Quantile of the excess delays that sets the weight floor (the better samples, not the single best). */
    static final double WEIGHT_FLOOR_QUANTILE = 0.1;
    /** z for a one-sided 5 % runs test (chrony uses a 5 % table). */
    static final double RUNS_Z = 1.645;

    private static final double NANOS_PER_SEC = 1e9;

    private static final class Entry {
        final long monoNanos;
        double offsetNanos;
        final long delayNanos;
        final long errorNanos;

        Entry(Sample s) {
            monoNanos = s.monoNanos();
            offsetNanos = s.offsetNanos();
            delayNanos = s.delayNanos();
            errorNanos = s.errorNanos();
        }
    }

    private final double maxDriftNsPerSec;
    private final List<Entry> entries = new ArrayList<>();
    private final List<Entry> pending = new ArrayList<>();

    // The current fit: offset(t) = meanOffset + slope·(t − meanMono); all in ns and ns/s.
    private boolean fitted;
    private long refMono;
    private double meanTimeSec;      // weighted mean time, seconds after refMono
    private double meanOffsetNanos;
    private double slopeNsPerSec;
    private double sumWeights;
    private double sxxSec2;
    private double residualVar;      // s², in units where the weights are relative
    private double stdDevNanos;
    private double skewNsPerSec;
    private long minDelayNanos;
    private int fitSamples;

    /**
     * @param maxDriftNsPerSec -D: samples implying more drift than this against the fit are discarded
     */
    public Filter(long maxDriftNsPerSec) {
        this.maxDriftNsPerSec = maxDriftNsPerSec;
    }

    /** Offers a sample; returns what became of it. */
    public Verdict add(Sample s) {
        Entry e = new Entry(s);
        if (fitted) {
            double predicted = lineAt(e.monoNanos);
            double deviation = Math.abs(e.offsetNanos - predicted);
            double excess = Math.max(0, e.delayNanos - minDelayNanos);
            double sinceNewestSec = Math.max(0, (e.monoNanos - newest().monoNanos) / NANOS_PER_SEC);
            double noise = excess / 2 + GATE_SIGMAS * (stdDevNanos + predictionSd(e.monoNanos)) + MIN_GATE_NANOS;
            double growth = (skewNsPerSec + GATE_WANDER_NS_PER_SEC) * sinceNewestSec;
            Verdict v = null;
            if (deviation - noise > maxDriftNsPerSec * Math.max(sinceNewestSec, 1.0)) {
                v = Verdict.REJECTED_DRIFT;
            } else if (deviation > noise + growth) {
                v = Verdict.REJECTED_SPIKE;
            }
            if (v != null) {
                pending.add(e);
                if (pending.size() >= JUMP_AGREEING_SAMPLES
                        && agree(pending.subList(pending.size() - JUMP_AGREEING_SAMPLES, pending.size()))) {
                    entries.clear();
                    entries.addAll(pending.subList(pending.size() - JUMP_AGREEING_SAMPLES, pending.size()));
                    pending.clear();
                    refit();
                    return Verdict.JUMP;
                }
                return v;
            }
        }
        pending.clear();
        entries.add(e);
        if (entries.size() > MAX_SAMPLES) {
            entries.remove(0);
        }
        refit();
        return Verdict.ACCEPTED;
    }

    /** Number of samples held. */
    public int size() {
        return entries.size();
    }

    /** True when the newest {@code n} samples agree with each other (see the constructor). */
    public boolean newestAgree(int n) {
        return entries.size() >= n && agree(entries.subList(entries.size() - n, entries.size()));
    }

    /** Forgets all but the newest {@code n} samples (before a step, so only agreeing samples set its size). */
    public void keepNewest(int n) {
        while (entries.size() > n) {
            entries.remove(0);
        }
        refit();
    }

    /** The estimate at {@code monoNanos}, or null while there are too few samples to fit a line. */
    public Estimate estimate(long monoNanos) {
        if (!fitted) {
            return null;
        }
        double freqSd = Math.sqrt(residualVar / sxxSec2);
        return new Estimate(monoNanos, lineAt(monoNanos), predictionSd(monoNanos), slopeNsPerSec, freqSd,
                skewNsPerSec, stdDevNanos, fitSamples);
    }

    /**
     * The honest interval for the offset at {@code monoNanos}: each sample says the offset lay
     * within offset ± errorNanos when it was taken; carried forward along the fitted frequency
     * with an allowance of {@code driftAllowanceNsPerSec} (+ the fit's skew) per second, the
     * intervals are intersected. Returns {lo, hi} in ns, or null with no samples.
     */
    public double[] interval(long monoNanos, double driftAllowanceNsPerSec) {
        if (entries.isEmpty()) {
            return null;
        }
        double slope = fitted ? slopeNsPerSec : 0;
        double growthRate = driftAllowanceNsPerSec + (fitted ? skewNsPerSec : maxDriftNsPerSec);
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        double bestLo = 0;
        double bestHi = 0;
        double bestHalf = Double.POSITIVE_INFINITY;
        for (int i = entries.size() - 1; i >= 0; i--) {
            Entry e = entries.get(i);
            double ageSec = Math.abs(monoNanos - e.monoNanos) / NANOS_PER_SEC;
            double half = e.errorNanos + growthRate * ageSec;
            if (half > hi - lo) {
                break;
            }
            double centre = e.offsetNanos + slope * (monoNanos - e.monoNanos) / NANOS_PER_SEC;
            lo = Math.max(lo, centre - half);
            hi = Math.min(hi, centre + half);
            if (half < bestHalf) {
                bestHalf = half;
                bestLo = centre - half;
                bestHi = centre + half;
            }
        }
        if (lo > hi) {
            return new double[] {bestLo, bestHi};
        }
        return new double[] {lo, hi};
    }

    @Override
    public void clockChanged(long monoNanos, double frequencyDeltaNsPerSec, long stepNanos) {
        for (Entry e : entries) {
            e.offsetNanos += frequencyDeltaNsPerSec * (monoNanos - e.monoNanos) / NANOS_PER_SEC - stepNanos;
        }
        for (Entry e : pending) {
            e.offsetNanos += frequencyDeltaNsPerSec * (monoNanos - e.monoNanos) / NANOS_PER_SEC - stepNanos;
        }
        if (fitted) {
            double tc = (monoNanos - refMono) / NANOS_PER_SEC;
            meanOffsetNanos += frequencyDeltaNsPerSec * (tc - meanTimeSec) - stepNanos;
            slopeNsPerSec -= frequencyDeltaNsPerSec;
        }
    }

    private Entry newest() {
        return entries.get(entries.size() - 1);
    }

    private double lineAt(long monoNanos) {
        return meanOffsetNanos + slopeNsPerSec * ((monoNanos - refMono) / NANOS_PER_SEC - meanTimeSec);
    }

    private double predictionSd(long monoNanos) {
        double dt = (monoNanos - refMono) / NANOS_PER_SEC - meanTimeSec;
        return Math.sqrt(residualVar * (1.0 / sumWeights + dt * dt / sxxSec2));
    }

    /**
     * Samples agree when they could all lie on one straight line whose slope -D allows: each
     * within its own error bound (plus the smallest spike gate) of the line through the first and
     * the last. With two samples, they agree when the drift between them is within -D.
     */
    private boolean agree(List<Entry> list) {
        Entry first = list.get(0);
        Entry last = list.get(list.size() - 1);
        double spanSec = (last.monoNanos - first.monoNanos) / NANOS_PER_SEC;
        double rise = last.offsetNanos - first.offsetNanos;
        double slack = first.errorNanos + last.errorNanos + MIN_GATE_NANOS;
        if (Math.abs(rise) - slack > maxDriftNsPerSec * Math.max(spanSec, 0)) {
            return false;
        }
        double slope = spanSec > 0 ? rise / spanSec : 0;
        for (int i = 1; i < list.size() - 1; i++) {
            Entry e = list.get(i);
            double onLine = first.offsetNanos + slope * (e.monoNanos - first.monoNanos) / NANOS_PER_SEC;
            if (Math.abs(e.offsetNanos - onLine) > slack + e.errorNanos) {
                return false;
            }
        }
        return true;
    }

    /** Refits the line, shrinking the window from the oldest end while the runs test fails. */
    private void refit() {
        int n = entries.size();
        if (n < MIN_FIT_SAMPLES) {
            fitted = false;
            return;
        }
        refMono = newest().monoNanos;
        double[] t = new double[n];
        double[] y = new double[n];
        double[] w = new double[n];
        long minDelay = Long.MAX_VALUE;
        for (Entry e : entries) {
            minDelay = Math.min(minDelay, e.delayNanos);
        }
        double[] excess = new double[n];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            t[i] = (e.monoNanos - refMono) / NANOS_PER_SEC;
            y[i] = e.offsetNanos;
            excess[i] = e.delayNanos - minDelay;
        }
        double[] sorted = excess.clone();
        Arrays.sort(sorted);
        double floor = Math.max(MIN_WEIGHT_FLOOR_NANOS,
                WEIGHT_FLOOR_FRACTION * sorted[(int) (WEIGHT_FLOOR_QUANTILE * (n - 1))]);
        for (int i = 0; i < n; i++) {
            w[i] = 1.0 / (floor * floor + excess[i] * excess[i] / 12.0);
        }
        int start = 0;
        int minWindow = Math.min(n, Math.max(MIN_FIT_SAMPLES, MIN_WINDOW_SAMPLES));
        while (true) {
            fitRange(t, y, w, start, n);
            if (n - start <= minWindow || runsOk(t, y, start, n)) {
                break;
            }
            start++;
        }
        if (start > 0) {
            entries.subList(0, start).clear();
        }
        minDelayNanos = minDelay;
        fitted = true;
    }

    private void fitRange(double[] t, double[] y, double[] w, int from, int to) {
        double sw = 0;
        double swt = 0;
        double swy = 0;
        for (int i = from; i < to; i++) {
            sw += w[i];
            swt += w[i] * t[i];
            swy += w[i] * y[i];
        }
        double tm = swt / sw;
        double ym = swy / sw;
        double sxx = 0;
        double sxy = 0;
        for (int i = from; i < to; i++) {
            double dt = t[i] - tm;
            sxx += w[i] * dt * dt;
            sxy += w[i] * dt * (y[i] - ym);
        }
        if (sxx <= 0) {
            sxx = Double.MIN_NORMAL;
        }
        double slope = sxy / sxx;
        double ssr = 0;
        for (int i = from; i < to; i++) {
            double r = y[i] - ym - slope * (t[i] - tm);
            ssr += w[i] * r * r;
        }
        int count = to - from;
        meanTimeSec = tm;
        meanOffsetNanos = ym;
        slopeNsPerSec = slope;
        sumWeights = sw;
        sxxSec2 = sxx;
        residualVar = Math.max(ssr / Math.max(1, count - 2), 1e-12);
        stdDevNanos = Math.sqrt(ssr / sw);
        fitSamples = count;
        skewNsPerSec = Math.sqrt(residualVar / sxx) * studentT(count - 2);
    }

    private boolean runsOk(double[] t, double[] y, int from, int to) {
        int positives = 0;
        int negatives = 0;
        int runs = 0;
        int previous = 0;
        for (int i = from; i < to; i++) {
            double r = y[i] - meanOffsetNanos - slopeNsPerSec * (t[i] - meanTimeSec);
            int sign = r >= 0 ? 1 : -1;
            if (sign > 0) {
                positives++;
            } else {
                negatives++;
            }
            if (sign != previous) {
                runs++;
                previous = sign;
            }
        }
        int count = positives + negatives;
        if (positives == 0 || negatives == 0) {
            return count < 3;
        }
        double twoNpNn = 2.0 * positives * negatives;
        double mean = 1 + twoNpNn / count;
        double var = twoNpNn * (twoNpNn - count) / ((double) count * count * (count - 1));
        return runs >= mean - RUNS_Z * Math.sqrt(Math.max(var, 0));
    }

    /** Student's t at the 99.95 % quantile for {@code dof} degrees of freedom (chrony's skew coefficient). */
    static double studentT(int dof) {
        final double[] table = {636.6, 636.6, 31.6, 12.92, 8.61, 6.87, 5.96, 5.41, 5.04, 4.78, 4.59,
            4.44, 4.32, 4.22, 4.14, 4.07, 4.01, 3.97, 3.92, 3.88, 3.85};
        if (dof < table.length) {
            return table[Math.max(dof, 1)];
        }
        if (dof <= 30) {
            return 3.65 + (3.85 - 3.65) * (30 - dof) / 10.0;
        }
        if (dof <= 40) {
            return 3.55 + (3.65 - 3.55) * (40 - dof) / 10.0;
        }
        return 3.5;
    }
}
