package timeslave.sim;

import timeslave.time.Reference;
import timeslave.core.ErrorBound;
import timeslave.core.Slave;
import timeslave.core.TimetrimStore;
import timeslave.time.LeapSeconds;
import timeslave.time.SystemClock;

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
    private final TimetrimStore.Memory store;
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
    private double utcErrorBeforeLeapNanos = Double.NaN;
    private double trimErrSumSq;
    private int trimErrCount;
    private final List<OracleKalman> oracles = new ArrayList<>();
    private double[] oracleErr24h = new double[0];
    private double[] oracleErrSumSq = new double[0];
    private double[] oracleVarSum = new double[0];

    /**
     * @param out        where the daemon's log lines go (null: nowhere)
     * @param debugLevel the daemon's -d level
     */
    public SimRun(Scenario scenario, long seed, PrintStream out, int debugLevel) {
        this.scenario = scenario;
        this.seed = seed;
        SplittableRandom root = new SplittableRandom(seed);
        SimOscillator osc = new SimOscillator(scenario.freqNsPerSec, scenario.wanderNsPerSec, root.split());
        if (scenario.freqStepAtSec >= 0) {
            osc.step(scenario.freqStepAtSec, scenario.freqStepNsPerSec);
        }
        world = new SimWorld(osc, scenario.initialOffsetNanos, scenario.seconds * 1_000_000_000L);
        clock = new SimClock(world);
        reference = new SimReference(world, scenario.path, scenario.probes, root.split());
        if (scenario.silentFromSec >= 0) {
            reference.silent(scenario.silentFromSec, scenario.silentToSec);
        }
        if (scenario.lieAtSec >= 0) {
            reference.lieOnce(scenario.lieAtSec, scenario.lieNanos);
        }
        if (scenario.jumpAtSec >= 0) {
            reference.jump(scenario.jumpAtSec, scenario.jumpNanos);
        }
        if (scenario.externalStepAtSec >= 0) {
            world.externalStep(scenario.externalStepAtSec, scenario.externalStepNanos);
        }
        log = new SimLog(world, out, debugLevel);
        store = new TimetrimStore.Memory(scenario.savedTrimNsPerSec);
        SimScheduler scheduler = new SimScheduler(world);
        SplittableRandom slaveRandom = root.split();
        timeslave.time.Reference followed = reference;
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
        if (scenario.leapSign != 0) {
            leapSeconds(scenario);
        }
        scheduler.onEnd(slave::stop);
        int statSeconds = (int) Math.max(0, scenario.seconds - scenario.statsFromSec);
        absErrors = new float[statSeconds + 1];
        halfWidths = new float[statSeconds + 1];
        world.observer(this::second);
    }

    private SimResult result;

    /** What {@link #run} returned (null before). */
    SimResult result() {
        return result;
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
        result = new SimResult(sync, Math.sqrt(sumSq / Math.max(1, count)), p99, max, freqErr1h, freqErr6h,
                freqErr24h, freqErrPpm(), Math.sqrt(freqSumSq / Math.max(1, count)) / 1000,
                count == 0 ? Double.NaN : (double) boundValid / count, median, members.stream().mapToLong(SimReference::packets).sum(), clock.steps(),
                clock.writes(), slave.timetrimNsPerSec(), -world.oscillator.freqNsPerSec(), scenario.seconds,
                Math.sqrt(estimateSumSq / Math.max(1, estimates)), freqErrMaxFirst10s);
        return result;
    }

    /** Feeds every kept reply to these estimators too, and measures their frequency against the truth (benchmark). */
    SimRun oracles(List<OracleKalman> list) {
        oracles.addAll(list);
        oracleErr24h = new double[list.size()];
        Arrays.fill(oracleErr24h, Double.NaN);
        oracleErrSumSq = new double[list.size()];
        oracleVarSum = new double[list.size()];
        reference.tap((t, raw, delay) -> {
            for (OracleKalman o : oracles) {
                o.sample(t, raw, delay);
            }
        });
        return this;
    }

    /** |oracle rate − true −frequency| at 24 h, ns/s (NaN if shorter). */
    double oracleErr24h(int i) {
        return oracleErr24h[i];
    }

    /** RMS of the oracle's rate error over the statistics period, ns/s. */
    double oracleErrRms(int i) {
        return Math.sqrt(oracleErrSumSq[i] / Math.max(1, trimErrCount));
    }

    /** RMS of the oracle's own predicted standard deviation over the statistics period, ns/s. */
    double oraclePredictedSd(int i) {
        return Math.sqrt(oracleVarSum[i] / Math.max(1, trimErrCount));
    }

    /** RMS of |timetrim + oscillator frequency| over the statistics period, ns/s. */
    double trimErrRms() {
        return Math.sqrt(trimErrSumSq / Math.max(1, trimErrCount));
    }

    /**
     * Sets the world's leap second and hands the daemon a table: the leap listed in a file valid for
     * half a year, or (leapFileExpired) a file that lists only 2017's leap and expired the day before the start.
     */
    private void leapSeconds(Scenario s) {
        long day = 86_400;
        long startSec = SimWorld.START_NANOS / 1_000_000_000L;
        long atSec = startSec + s.leapAfterDays * day;
        world.utcLeap(atSec, s.leapSign, s.settings.leap() == timeslave.core.Settings.Leap.SMEAR);
        long y2017 = 1_483_228_800L;
        LeapSeconds table = s.leapFileExpired
                ? LeapSeconds.of(startSec - 200 * day, startSec - day, List.of(new LeapSeconds.Entry(y2017, 37)))
                : LeapSeconds.of(startSec - 10 * day, atSec + 180 * day,
                        List.of(new LeapSeconds.Entry(y2017, 37), new LeapSeconds.Entry(atSec, 37 + s.leapSign)));
        slave.leapSeconds(table, "sim-leap-seconds.list");
    }

    /** Every leap state the daemon set in the (simulated) kernel. */
    public List<SystemClock.Leap> leapCalls() {
        return clock.leapCalls();
    }

    /** local − UTC at the last whole second before UTC's leap, ns (NaN if there is none). */
    public double utcErrorBeforeLeapNanos() {
        return utcErrorBeforeLeapNanos;
    }

    /** One line on the leap second (what the offsets above are measured against), or null without one. */
    public String leapSummary() {
        if (scenario.leapSign == 0) {
            return null;
        }
        boolean smeared = scenario.settings.leap() == timeslave.core.Settings.Leap.SMEAR;
        return String.format(java.util.Locale.ROOT, "leap: %s at the end of day %d, offsets measured against %s;"
                        + " kernel leap states %s; local - UTC 1 s before the leap %+.6f s",
                scenario.leapSign > 0 ? "insert" : "delete", scenario.leapAfterDays,
                smeared ? "the smeared timescale (noon to noon UTC)" : "POSIX UTC", clock.leapCalls(),
                utcErrorBeforeLeapNanos / 1e9);
    }

    /** The lines the daemon logged above DEBUG. */
    public List<String> logLines() {
        return log.lines();
    }

    /** The timetrim values saved. */
    public List<Long> saves() {
        return store.saves();
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
        if (w.trueNanos() == w.utcLeapNanos() - 1_000_000_000L) {
            utcErrorBeforeLeapNanos = w.utcErrorNanos();
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
        for (int i = 0; i < oracles.size(); i++) {
            if (sec == 86_400) {
                oracleErr24h[i] = Math.abs(oracles.get(i).rateNsPerSec() + w.oscillator.freqNsPerSec());
            }
        }
        if (sec < scenario.statsFromSec || count >= absErrors.length) {
            return;
        }
        double trimErr = slave.timetrimNsPerSec() + w.oscillator.freqNsPerSec();
        trimErrSumSq += trimErr * trimErr;
        trimErrCount++;
        for (int i = 0; i < oracles.size(); i++) {
            OracleKalman o = oracles.get(i);
            double d = o.rateNsPerSec() + w.oscillator.freqNsPerSec();
            oracleErrSumSq[i] += d * d;
            double sd = o.rateSdNsPerSec(w.elapsedSec());
            oracleVarSum[i] += sd * sd;
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
        double freqErr = w.oscillator.freqNsPerSec() + w.freqSetNsPerSec() - w.judgedRateNsPerSec();
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
