package timeslave.ref.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import timeslave.core.Settings;
import timeslave.core.Slave;
import timeslave.core.TimetrimStore;
import timeslave.ref.ListLog;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.time.Sample;
import timeslave.time.Scheduler;

/**
 * Runs one hostile case: the daemon's main loop ({@link Slave}) over a {@link VirtualClock} and the case's
 * reference, first against the hostile peer, then against the same peer healed; then checks what the
 * suite promises for every case (see {@link HostileReferenceTest}).
 */
final class HostileRun {
    /** How far a sample may miss the truth beyond its own bound: rounding only. */
    static final long HONESTY_TOLERANCE_NANOS = 100_000L;
    /** A measure() that takes longer than this in real time is a hang, whatever its virtual timeouts. */
    static final long HANG_NANOS = 30_000_000_000L;
    /** Waits of the main loop at most per run (a loop that never measures again is a failure). */
    static final int MAX_WAITS = 10_000;

    /** Opens the case's reference; {@code healed} turns the peer honest. */
    interface Opener {
        Reference open(VirtualClock clock, ListLog log, AtomicBoolean healed) throws Exception;
    }

    /**
     * One hostile case.
     *
     * @param name                 shown by JUnit
     * @param clock                loopback (network) or virtual (serial)
     * @param opener               builds the reference and its peer
     * @param line                 a log line (priority and start, e.g. "NOTICE refusing the date from x")
     *                             that must appear exactly once; null for cases that only count rejects
     * @param samplesWhileHostile  whether honest samples may still come while the peer is hostile
     * @param recovers             whether the reference measures again once the peer is healed
     * @param maxCorrectionNanos   largest step or slew the clock may get (the honest samples' own spread)
     * @param maxMeasureMonoNanos  longest one measure() may take on the monotonic clock
     */
    record Case(String name, VirtualClock clock, Opener opener, String line, boolean samplesWhileHostile,
                boolean recovers, long maxCorrectionNanos, long maxMeasureMonoNanos, int hostileMeasurements,
                int healedMeasurements) {
        Case withLine(String l) {
            return new Case(name, clock, opener, l, samplesWhileHostile, recovers, maxCorrectionNanos, maxMeasureMonoNanos,
                    hostileMeasurements, healedMeasurements);
        }

        Case mixed() {
            return new Case(name, clock, opener, line, true, recovers, maxCorrectionNanos, maxMeasureMonoNanos,
                    hostileMeasurements, healedMeasurements);
        }

        Case terminal() {
            return new Case(name, clock, opener, line, samplesWhileHostile, false, maxCorrectionNanos, maxMeasureMonoNanos,
                    hostileMeasurements, healedMeasurements);
        }

        Case correction(long nanos) {
            return new Case(name, clock, opener, line, samplesWhileHostile, recovers, nanos, maxMeasureMonoNanos,
                    hostileMeasurements, healedMeasurements);
        }

        Case hostileFor(int n) {
            return new Case(name, clock, opener, line, samplesWhileHostile, recovers, maxCorrectionNanos, maxMeasureMonoNanos,
                    n, healedMeasurements);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** What one measure() did. */
    record Call(boolean healed, Sample sample, MeasurementException failure, long realNanos, long monoNanos,
                long trueOffsetNanos) {
    }

    /** The reference as the daemon sees it, recording every call. */
    static final class Watched implements Reference {
        final Reference inner;
        final VirtualClock clock;
        final AtomicBoolean healed;
        final List<Call> calls = new ArrayList<>();

        Watched(Reference inner, VirtualClock clock, AtomicBoolean healed) {
            this.inner = inner;
            this.clock = clock;
            this.healed = healed;
        }

        @Override
        public String name() {
            return inner.name();
        }

        @Override
        public boolean reportsOwnHealth() {
            return inner.reportsOwnHealth();
        }

        @Override
        public Sample measure() throws MeasurementException {
            boolean h = healed.get();
            long real = System.nanoTime();
            long mono = clock.monotonicNanos();
            try {
                Sample s = inner.measure();
                calls.add(new Call(h, s, null, System.nanoTime() - real, clock.monotonicNanos() - mono,
                        clock.trueOffsetNanos()));
                return s;
            } catch (MeasurementException e) {
                calls.add(new Call(h, null, e, System.nanoTime() - real, clock.monotonicNanos() - mono,
                        clock.trueOffsetNanos()));
                throw e;
            }
        }

        @Override
        public void close() {
            inner.close();
        }
    }

    private HostileRun() {
    }

    /** Runs the case through the main loop and checks alive, honest, logged once, clock untouched, recovered. */
    static List<Call> check(Case c) throws Exception {
        VirtualClock clock = c.clock();
        ListLog log = new ListLog(0);
        AtomicBoolean healed = new AtomicBoolean();
        try (Watched ref = new Watched(c.opener().open(clock, log, healed), clock, healed)) {
            int total = c.hostileMeasurements() + c.healedMeasurements();
            int[] waits = {0};
            Slave[] slave = new Slave[1];
            Scheduler scheduler = new Scheduler() {
                @Override
                public boolean waitUntil(long deadline) {
                    if (ref.calls.size() >= c.hostileMeasurements()) {
                        healed.set(true);
                    }
                    if (ref.calls.size() >= total || ++waits[0] > MAX_WAITS) {
                        slave[0].stop();
                        return true;
                    }
                    clock.advanceTo(deadline);
                    return false;
                }

                @Override
                public void wake() {
                }
            };
            slave[0] = new Slave(Settings.defaults(), ref, clock, scheduler, log,
                    new TimetrimStore.Memory(OptionalLong.empty()), new SplittableRandom(9));
            slave[0].run();
            String where = c.name() + ": calls " + describe(ref.calls) + "\nlog " + log.lines + "\nclock " + clock.writes;
            assertTrue(waits[0] <= MAX_WAITS, "the main loop stopped measuring: " + where);
            assertEquals(total, ref.calls.size(), where);
            for (Call call : ref.calls) {
                assertTrue(call.realNanos() < HANG_NANOS, "hung: " + where);
                assertTrue(call.monoNanos() <= c.maxMeasureMonoNanos(), "measure() took " + call.monoNanos() + " ns: " + where);
                if (call.sample() != null) {
                    Sample s = call.sample();
                    long miss = Math.abs(s.offsetNanos() - call.trueOffsetNanos());
                    if (miss > s.errorNanos() + HONESTY_TOLERANCE_NANOS) {
                        fail("accepted a sample " + miss + " ns from the truth, beyond its bound " + s.errorNanos() + ": " + where);
                    }
                    if (!call.healed() && !c.samplesWhileHostile()) {
                        fail("accepted a sample from the hostile peer: " + where);
                    }
                }
            }
            if (c.line() != null) {
                // "…; refused: reason" matches that start with the reason anywhere after it (counts vary with timing)
                int r = c.line().indexOf("; refused: ");
                String start = r < 0 ? c.line() : c.line().substring(0, r + "; refused: ".length());
                String reason = r < 0 ? "" : c.line().substring(r + "; refused: ".length());
                long n = log.lines.stream().filter(l -> l.startsWith(start) && l.substring(start.length()).contains(reason))
                        .count();
                assertEquals(1, n, "\"" + c.line() + "\" logged " + n + " times: " + where);
            }
            for (long x : clock.corrections) {
                assertTrue(Math.abs(x) <= c.maxCorrectionNanos(), "clock moved by " + x + " ns: " + where);
            }
            long slewed = clock.maxMovedByFrequencyNanos();
            assertTrue(slewed <= c.maxCorrectionNanos(), "clock slewed by " + slewed + " ns: " + where);
            if (c.recovers()) {
                assertTrue(ref.calls.stream().anyMatch(x -> x.healed() && x.sample() != null), "no recovery: " + where);
                assertTrue(ref.calls.get(total - 1).sample() != null, "not measuring at the end: " + where);
            } else {
                assertTrue(ref.calls.stream().noneMatch(x -> x.healed() && x.sample() != null), "terminal case measured: " + where);
            }
            return ref.calls;
        }
    }

    private static String describe(List<Call> calls) {
        StringBuilder sb = new StringBuilder();
        for (Call c : calls) {
            sb.append("\n  ").append(c.healed() ? "healed " : "hostile ")
                    .append(c.sample() != null ? timeslave.ref.OnceLine.format(c.sample()) : c.failure().getMessage())
                    .append(" (").append(c.monoNanos() / 1_000_000).append(" ms)");
        }
        return sb.toString();
    }
}
