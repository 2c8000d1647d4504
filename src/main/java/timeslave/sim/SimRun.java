package timeslave.sim;

import timeslave.core.ErrorBound;
import timeslave.core.Slave;
import timeslave.core.TimetrimStore;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;

/** Runs the real {@link Slave} in one simulated world and measures it against the truth each second. */
public final class SimRun {

    /** The clock counts as synchronised while |error| stays below this, ns (issue 2: 1 ms). */
    static final double SYNC_NANOS = 1_000_000.0;

    private final Scenario scenario;
    private final long seed;
    private final SimWorld world;
    private final SimClock clock;
    private final SimReference reference;
    private final List<SimReference> members = new ArrayList<>();
    private final SimLog log;
    private final MemoryStore store;
    private final Slave slave;

    // statistics
    private final float[] absErrors;
    private final float[] halfWidths;
    private int count;
    private int boundValid;
    private double sumSq;
    private double max;
    private double freqSumSq;
    private long lastUnsyncedSec;
    private timeslave.core.Estimate seenEstimate;
    private double estimateSumSq;
    private int estimates;
    private double freqErrMaxFirst10s;
    private double freqErr1h = Double.NaN;
    private double freqErr6h = Double.NaN;
    private double freqErr24h = Double.NaN;

    /** A timetrim store in memory: holds the scenario's saved value and whatever the daemon saves. */
    static final class MemoryStore implements TimetrimStore {
        OptionalLong value;
        final List<Long> saves = new ArrayList<>();

        MemoryStore(OptionalLong value) {
            this.value = value;
        }

        @Override
        public OptionalLong load() {
            return value;
        }

        @Override
        public boolean save(long timetrimNsPerSec) {
            value = OptionalLong.of(timetrimNsPerSec);
            saves.add(timetrimNsPerSec);
            return true;
        }
    }

    /**
     * @param out        where the daemon's log lines go (null: nowhere)
     * @param debugLevel the daemon's -d level
     */
    public SimRun(Scenario scenario, long seed, PrintStream out, int debugLevel) {
        this.scenario = scenario;
        this.seed = seed;
        SplittableRandom root = new SplittableRandom(seed);
        SimOscillator osc = new SimOscillator(scenario.freqNsPerSec, scenario.wanderNsPerSec, root.split());
        world = new SimWorld(osc, scenario.initialOffsetNanos, scenario.seconds * 1_000_000_000L);
        clock = new SimClock(world);
        reference = new SimReference(world, scenario.path, scenario.probes, root.split());
        if (scenario.silentFromSec >= 0) {
            reference.silent(scenario.silentFromSec, scenario.silentToSec);
        }
        if (scenario.lieAtSec >= 0) {
            reference.lieOnce(scenario.lieAtSec, scenario.lieNanos);
        }
        if (scenario.externalStepAtSec >= 0) {
            world.externalStep(scenario.externalStepAtSec, scenario.externalStepNanos);
        }
        log = new SimLog(world, out, debugLevel);
        store = new MemoryStore(scenario.savedTrimNsPerSec);
        SimScheduler scheduler = new SimScheduler(world);
        SplittableRandom slaveRandom = root.split();
        timeslave.ref.Reference followed = reference;
        if (scenario.masters.size() >= 2) {
            // the first reference takes the single reference's random stream; the others come after the slave's
            for (int i = 0; i < scenario.masters.size(); i++) {
                Scenario.Master m = scenario.masters.get(i);
                SimReference r = i == 0 ? new SimReference("sim1", world, m.path(), scenario.probes, reference.random())
                        : new SimReference("sim" + (i + 1), world, m.path(), scenario.probes, root.split());
                r.bias(m.biasNanos());
                if (m.silentFromSec() >= 0) {
                    r.silent(m.silentFromSec(), m.silentToSec());
                }
                members.add(r);
            }
            followed = new timeslave.core.Ensemble(members, log);
        } else {
            members.add(reference);
        }
        slave = new Slave(scenario.settings.withSeed(seed), followed, clock, scheduler, log, store, slaveRandom);
        scheduler.onEnd(slave::stop);
        int statSeconds = (int) Math.max(0, scenario.seconds - scenario.statsFromSec);
        absErrors = new float[statSeconds + 1];
        halfWidths = new float[statSeconds + 1];
        world.observer(this::second);
    }

    /** Runs to the end and returns what was measured. */
    public SimResult run() {
        try {
            slave.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("simulation interrupted", e);
        }
        double[] sorted = new double[count];
        double[] widths = new double[count];
        for (int i = 0; i < count; i++) {
            sorted[i] = absErrors[i];
            widths[i] = halfWidths[i];
        }
        Arrays.sort(sorted);
        Arrays.sort(widths);
        double p99 = count == 0 ? Double.NaN : sorted[Math.min(count - 1, (int) Math.ceil(0.99 * count) - 1)];
        double median = count == 0 ? Double.NaN : widths[count / 2];
        long sync = lastUnsyncedSec + 1;
        if (Math.abs(world.clockErrorNanos()) >= SYNC_NANOS) {
            sync = -1;
        }
        return new SimResult(sync, Math.sqrt(sumSq / Math.max(1, count)), p99, max, freqErr1h, freqErr6h,
                freqErr24h, freqErrPpm(), Math.sqrt(freqSumSq / Math.max(1, count)) / 1000,
                count == 0 ? Double.NaN : (double) boundValid / count, median, members.stream().mapToLong(SimReference::packets).sum(), clock.steps(),
                clock.writes(), slave.timetrimNsPerSec(), -world.oscillator.freqNsPerSec(), scenario.seconds,
                Math.sqrt(estimateSumSq / Math.max(1, estimates)), freqErrMaxFirst10s);
    }

    /** The lines the daemon logged above DEBUG. */
    public List<String> logLines() {
        return log.lines();
    }

    /** The timetrim values saved. */
    public List<Long> saves() {
        return store.saves;
    }

    public long seed() {
        return seed;
    }

    private double freqErrPpm() {
        return Math.abs(slave.timetrimNsPerSec() + world.oscillator.freqNsPerSec()) / 1000;
    }

    private void second(SimWorld w) {
        long sec = Math.round(w.elapsedSec());
        double error = w.clockErrorNanos();
        if (Math.abs(error) >= SYNC_NANOS) {
            lastUnsyncedSec = sec;
        }
        if (sec <= 10) {
            freqErrMaxFirst10s = Math.max(freqErrMaxFirst10s, freqErrPpm());
        }
        if (sec == 3_600) {
            freqErr1h = freqErrPpm();
        } else if (sec == 21_600) {
            freqErr6h = freqErrPpm();
        } else if (sec == 86_400) {
            freqErr24h = freqErrPpm();
        }
        if (sec < scenario.statsFromSec || count >= absErrors.length) {
            return;
        }
        timeslave.core.Estimate est = slave.lastEstimate();
        if (est != null && est != seenEstimate) {
            seenEstimate = est;
            double d = est.offsetNanos() - members.get(members.size() - 1).lastTrueOffsetNanos();
            estimateSumSq += d * d;
            estimates++;
        }
        double abs = Math.abs(error);
        absErrors[count] = (float) abs;
        sumSq += error * error;
        max = Math.max(max, abs);
        double freqErr = w.oscillator.freqNsPerSec() + w.freqSetNsPerSec();
        freqSumSq += freqErr * freqErr;
        ErrorBound b = slave.errorBound();
        long mono = w.monotonicNanos();
        double trueOffset = -error;  // reference − local
        if (b.known()) {
            halfWidths[count] = (float) b.halfWidthNanos(mono);
            if (trueOffset >= b.lo(mono) && trueOffset <= b.hi(mono)) {
                boundValid++;
            }
        } else {
            halfWidths[count] = Float.POSITIVE_INFINITY;
        }
        count++;
    }
}
