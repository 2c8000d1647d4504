package timeslave.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import timeslave.time.Reference;
import timeslave.time.Sample;

/**
 * Keeps the counters behind {@link Status} (reach registers, rejected samples by reason, steps, RMS
 * offset) as {@link Slave} reports measurements, and builds the snapshots it publishes.
 */
final class StatusTracker {
    /** ntpd's reach register: the last 8 measurements. */
    static final int REACH_MASK = 0xff;
    /** A master whose last this many measurements failed is unreachable (as {@link Slave#UNREACHABLE_AFTER_FAILURES}). */
    static final int UNREACHABLE_AFTER_FAILURES = 2;
    /** The 16 s beyond which Linux calls the clock unsynchronised (maxerror's STA_UNSYNC limit). */
    static final double SYNCHRONISED_MAX_ERROR_NANOS = 16e9;

    private static final class Src {
        final String name;
        int reach;
        int failuresInARow;
        String state = "none";
        Sample sample;
        String lastFailure = "";
        long samples;
        long failures;
        long falsetickers;

        Src(String name) {
            this.name = name;
        }

        void answered(Sample s, boolean used) {
            reach = ((reach << 1) | 1) & REACH_MASK;
            failuresInARow = 0;
            sample = s;
            samples++;
            if (used) {
                state = "selected";
            } else {
                state = "falseticker";
                falsetickers++;
            }
        }

        void failed(String why) {
            reach = (reach << 1) & REACH_MASK;
            failuresInARow++;
            failures++;
            lastFailure = why == null ? "" : why;
            state = failuresInARow >= UNREACHABLE_AFTER_FAILURES ? "unreachable" : "failed";
        }
    }

    private final Reference reference;
    private final boolean measureOnly;
    private final Map<String, Src> sources = new LinkedHashMap<>();
    private final Map<String, Long> rejected = new LinkedHashMap<>();
    private long good;
    private long failed;
    private long steps;
    private double sumSquares;
    private long offsets;
    private Sample lastGood;
    private Estimate lastEstimate;

    StatusTracker(Reference reference, boolean measureOnly) {
        this.reference = reference;
        this.measureOnly = measureOnly;
        if (reference instanceof Ensemble e) {
            for (String n : e.memberNames()) {
                sources.put(n, new Src(n));
            }
        } else {
            sources.put(reference.name(), new Src(reference.name()));
        }
        for (String r : Status.REJECT_REASONS) {
            rejected.put(r, 0L);
        }
    }

    /** A measurement gave {@code s}; the filter said {@code verdict}. */
    void measured(Sample s, Filter.Verdict verdict) {
        good++;
        lastGood = s;
        sumSquares += (double) s.offsetNanos() * s.offsetNanos();
        offsets++;
        switch (verdict) {
            case REJECTED_SPIKE -> reject("spike");
            case REJECTED_DRIFT -> reject("drift");
            case REJECTED_BOUND -> reject("bound");
            case JUMP -> reject("jump");
            default -> {
            }
        }
        members(s, null);
    }

    /** A measurement was discarded because it ran into the leap second's quiet window. */
    void discardedForLeap(Sample s) {
        reject("leap_window");
        members(s, null);
    }

    /** A measurement failed. */
    void failed(String reason) {
        failed++;
        members(null, reason);
    }

    void estimate(Estimate e) {
        lastEstimate = e;
    }

    void stepped(long nanos) {
        if (nanos != 0) {
            steps++;
        }
    }

    private void reject(String reason) {
        rejected.merge(reason, 1L, Long::sum);
    }

    /** Updates each member from the ensemble's last round, or the one reference from its result. */
    private void members(Sample s, String failure) {
        if (reference instanceof Ensemble e) {
            for (Ensemble.Member m : e.lastRound()) {
                Src src = sources.computeIfAbsent(m.name(), Src::new);
                if (m.sample() != null) {
                    src.answered(m.sample(), m.truechimer());
                } else {
                    src.failed(m.failure());
                }
            }
            return;
        }
        Src only = sources.values().iterator().next();
        if (s != null) {
            only.answered(s, true);
        } else {
            only.failed(failure);
        }
    }

    /** The snapshot at {@code monoNanos} / {@code realtimeNanos}. */
    Status snapshot(long monoNanos, long realtimeNanos, ErrorBound bound, double timetrimNsPerSec,
                    long intervalNanos) {
        List<Status.Source> list = new ArrayList<>();
        for (Src s : sources.values()) {
            Sample x = s.sample;
            list.add(new Status.Source(s.name, s.reach, s.state, x == null ? Double.NaN : x.offsetNanos(),
                    x == null ? Double.NaN : x.errorNanos(), x == null ? Double.NaN : x.delayNanos(),
                    x == null ? 0 : x.localNanos(), s.lastFailure, s.samples, s.failures, s.falsetickers));
        }
        boolean known = bound.known();
        double maxError = known ? bound.maxErrorNanos(monoNanos) : Double.POSITIVE_INFINITY;
        boolean reachable = sources.values().stream().anyMatch(s -> s.failuresInARow < UNREACHABLE_AFTER_FAILURES);
        Estimate e = lastEstimate;
        return new Status(monoNanos, realtimeNanos, reference.name(), measureOnly,
                good > 0 && known && maxError < SYNCHRONISED_MAX_ERROR_NANOS && reachable,
                lastGood == null ? 0 : lastGood.localNanos(), lastGood == null ? Double.NaN : lastGood.offsetNanos(),
                offsets == 0 ? Double.NaN : Math.sqrt(sumSquares / offsets),
                e == null ? Double.NaN : e.offsetNanos(), e == null ? Double.NaN : e.reportedSdNanos(),
                e == null ? Double.NaN : e.freqNsPerSec(), timetrimNsPerSec, e == null ? Double.NaN : e.skewNsPerSec(),
                maxError, known ? bound.lo(monoNanos) : Double.NEGATIVE_INFINITY,
                known ? bound.hi(monoNanos) : Double.POSITIVE_INFINITY, bound.growthNsPerSec(), intervalNanos, good,
                failed, steps, java.util.Collections.unmodifiableMap(new LinkedHashMap<>(rejected)), List.copyOf(list));
    }
}
