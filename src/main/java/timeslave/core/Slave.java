package timeslave.core;

import timeslave.time.Sample;
import timeslave.log.Log;
import timeslave.log.Priority;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.time.ClockException;
import timeslave.time.ClockState;
import timeslave.time.Scheduler;
import timeslave.time.SystemClock;

import java.util.List;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * The main loop: measure, filter, discipline, wait; the same code runs on the real clock and in
 * the simulator. Under -m it measures and logs but never calls a {@link SystemClock} write method.
 */
public final class Slave {

    /** How often the timetrim is saved when it has changed, ns (chrony's driftfile interval, 1 h). */
    static final long SAVE_INTERVAL_NANOS = 3_600_000_000_000L;
    /** Smallest change worth saving, ns/s (the file's resolution). */
    static final double SAVE_MIN_CHANGE_NS_PER_SEC = 1.0;
    /** A save is logged at INFO only when the timetrim moved this far since the last logged one, ns/s (1 ppm). */
    static final double SAVE_LOG_CHANGE_NS_PER_SEC = 1_000.0;
    /** Consecutive failed measurements before the master is called unreachable (one lost burst is not news). */
    static final int UNREACHABLE_AFTER_FAILURES = 2;
    /**
     * How often the daemon looks for a step someone else made, at most, ns: between long measurement
     * intervals too, so that the published bound (servers, ClockBound) is withdrawn within a minute of
     * such a step, not at the next measurement weeks later. Three clock reads; ntpd's shortest poll.
     */
    static final long STEP_WATCH_INTERVAL_NANOS = 64_000_000_000L;
    /** The timetrim is saved only once its skew is below this, ns/s (1 ppm). */
    static final double SAVE_MAX_SKEW_NS_PER_SEC = 1_000.0;
    /** Before the first synchronisation, a correction beyond the panic limit needs this many agreeing measurements... */
    public static final int PANIC_AGREEING_SAMPLES = 3;
    /** ... spread over at least this much time, ns (one burst is one moment: a hostile one must not decide). */
    public static final long PANIC_AGREEMENT_SPAN_NANOS = 60_000_000_000L;

    private final Settings settings;
    private final Reference reference;
    private final SystemClock clock;
    private final Scheduler scheduler;
    private final Log log;
    private final TimetrimStore timetrim;
    private final RandomGenerator random;
    private volatile boolean stopping;

    private volatile ErrorBound bound = ErrorBound.UNKNOWN;
    /** Notices steps of the clock the daemon did not make (issue 12). */
    private final StepWatch stepWatch = new StepWatch();
    /** Someone else stepped the clock and no bound has been had since: published as Disrupted. */
    private volatile boolean disrupted;
    /**
     * Long-baseline schedule: the bound from before a surprise (a refused sample, or an offset
     * beyond the step threshold), kept inside the published one until a measurement agrees again:
     * after weeks the filter's gate may let one lie through, and the bound must not trust it alone.
     */
    private ErrorBound heldBound;
    private volatile double timetrimNsPerSec;
    private volatile int goodMeasurements;
    private volatile Estimate lastEstimate;
    private volatile LeapPlanner.Table leapTable;
    // ops12: the status snapshot for timeslave-ctl, the metrics endpoint and the statistics files.
    private final StatusTracker status;
    private volatile StatusListener statusListener = StatusListener.NONE;
    /** Serving (--serve-*, --clockbound-shm): told of every new bound; see {@link #publishTo}. */
    private volatile ClockState.Listener stateListener = state -> { };
    /** The clock has been corrected (stepped or slewed) at least once: from now on the panic limit refuses. */
    private boolean synchronised;
    /** An offset beyond the panic limit has been logged, and no offset within it seen since. */
    private boolean panicLogged;
    /** The reference's rate beyond -D has been logged, and no rate within it seen since. */
    private boolean rateLogged;
    /** A sample's bound too wide to use has been logged, and no sample accepted since. */
    private boolean boundLogged;

    public Slave(Settings settings, Reference reference, SystemClock clock, Scheduler scheduler, Log log,
                 TimetrimStore timetrim) {
        this(settings, reference, clock, scheduler, log, timetrim, new SplittableRandom(settings.seed()));
    }

    /** As above, with the random source for the schedule given (the simulator shares its seed). */
    public Slave(Settings settings, Reference reference, SystemClock clock, Scheduler scheduler, Log log,
                 TimetrimStore timetrim, RandomGenerator random) {
        this.settings = settings;
        this.reference = reference;
        this.clock = clock;
        this.scheduler = scheduler;
        this.log = log;
        this.timetrim = timetrim;
        this.random = random;
        this.status = new StatusTracker(reference, settings.measureOnly());
    }

    /** Who receives the {@link Status} after every measurement (ops12). */
    public void statusListener(StatusListener listener) {
        statusListener = listener;
    }

    /** The current error bound (ClockBound-style); {@link ErrorBound#UNKNOWN} before the first measurement. */
    public ErrorBound errorBound() {
        return bound;
    }

    /** The timetrim now in force (or, under -m, that would be), ns/s. */
    public double timetrimNsPerSec() {
        return timetrimNsPerSec;
    }

    /** The filter's newest estimate, taken before the discipline acted on it (null before the first). */
    public Estimate lastEstimate() {
        return lastEstimate;
    }

    /** Good measurements so far. */
    public int goodMeasurements() {
        return goodMeasurements;
    }

    /** The leap-seconds table to act on (null: none), as read from {@code file}; may change while running. */
    public void leapSeconds(timeslave.time.LeapSeconds table, String file) {
        leapTable = table == null ? null : new LeapPlanner.Table(table, file);
    }

    /**
     * Publish hook for the servers and the ClockBound segment: {@code listener} is told the bound and
     * whether the clock is held synchronised after every measurement and every clock change.
     */
    public void publishTo(ClockState.Listener listener) {
        stateListener = listener;
    }

    private void publish(long monoNanos) {
        ErrorBound b = bound;
        if (b.known()) {
            disrupted = false;
        } else if (disrupted) {
            stateListener.clockState(ClockState.disrupted(monoNanos));
            return;
        }
        stateListener.clockState(new ClockState(!settings.measureOnly() && b.known()
                && b.maxErrorNanos(monoNanos) < ErrorBound.UNSYNCHRONISED_NANOS, b.asOfMonoNanos(), b.loNanos(),
                b.hiNanos(), b.freqNsPerSec(), b.growthNsPerSec(), b.wanderNsPerSec15()));
    }

    /**
     * Whether someone else stepped the clock since the last look ({@link StepWatch}). If so: one WARNING,
     * the stored samples are moved by the step as for one of ours, the error bound becomes unknown
     * (servers say unsynchronised, ClockBound readers Disrupted) and the panic limit is lifted, as before the
     * first synchronisation, so the next measurements resynchronise the clock.
     */
    private boolean foreignStep(Filter filter, LeapPlanner leap) {
        long before = clock.realtimeNanos();
        long mono = clock.monotonicNanos();
        long after = clock.realtimeNanos();
        long foreign = stepWatch.observe(before, mono, after, leap.kernelLeapStepNanos(after));
        if (foreign == 0) {
            return false;
        }
        log.warning("clock stepped by someone else by " + Seconds.signed(foreign)
                + " s (real time against monotonic); resynchronising");
        filter.clockChanged(mono, 0, foreign);
        heldBound = null;
        bound = ErrorBound.UNKNOWN;
        disrupted = true;
        synchronised = false;
        panicLogged = false;
        publish(mono);
        statusListener.published(status.snapshot(mono, after, bound, timetrimNsPerSec, 0));
        return true;
    }

    /** Runs until {@link #stop()}. */
    public void run() throws InterruptedException {
        OptionalLong saved = settings.measureOnly() ? OptionalLong.empty() : timetrim.load();
        double trim = saved.isPresent() ? saved.getAsLong() : settings.initDriftNsPerSec();
        Filter filter = new Filter(settings.maxDriftNsPerSec());
        ClockChangeListener boundFollower = (mono, df, step) -> {
            bound = bound.afterChange(mono, df, step);
            if (heldBound != null) {
                heldBound = heldBound.afterChange(mono, df, step);
            }
            publish(mono);
        };
        Discipline discipline = new Discipline(settings, clock, log, trim, saved.isPresent(),
                List.of(filter, boundFollower));
        LeapPlanner leap = new LeapPlanner(settings.measureOnly() ? Settings.Leap.IGNORE : settings.leap(), clock,
                discipline, log);
        Schedule schedule = new Schedule(settings.rateNanos(), settings.maxRateNanos(), settings.adaptiveMinNanos(),
                settings.adaptiveMaxNanos(), saved.isPresent(), random);
        timetrimNsPerSec = discipline.timetrimNsPerSec();
        if (!settings.measureOnly()) {
            if (saved.isPresent()) {
                log.info("timetrim " + saved.getAsLong() + " ns/s restored");
            }
            try {
                discipline.start(clock.monotonicNanos());
            } catch (ClockException e) {
                log.err("cannot set the clock frequency: " + e.getMessage());
            }
        }
        statusListener.published(status.snapshot(clock.monotonicNanos(), clock.realtimeNanos(), bound, timetrimNsPerSec, 0));
        try {
            loop(filter, discipline, leap, schedule, saved);
        } finally {
            // A slew left running would go on moving the clock at its rate after the daemon has gone
            // (12.5 ppm, 1 s a day, was seen on a real kernel): the clock returns to the timetrim.
            if (!settings.measureOnly() && discipline.slewEndMono() != Long.MAX_VALUE) {
                try {
                    discipline.endSlew(clock.monotonicNanos());
                } catch (ClockException e) {
                    log.err("cannot set the clock frequency: " + e.getMessage());
                }
            }
        }
    }

    /** Measures and disciplines until {@link #stop()}; {@code saved} is the timetrim restored at start. */
    private void loop(Filter filter, Discipline discipline, LeapPlanner leap, Schedule schedule, OptionalLong saved)
            throws InterruptedException {
        boolean unreachable = false;
        int failures = 0;
        double savedTrim = saved.isPresent() ? saved.getAsLong() : Double.NaN;
        double loggedTrim = savedTrim;
        long lastSaveMono = clock.monotonicNanos();
        long nextMeasureMono = clock.monotonicNanos();
        while (!stopping) {
            if (clock.stepsAloneMoveRealtimeAgainstMonotonic() && foreignStep(filter, leap)) {
                nextMeasureMono = clock.monotonicNanos();
            }
            long now = clock.monotonicNanos();
            leap.poll(leapTable, clock.realtimeNanos(), now);
            if (now >= nextMeasureMono) {
                boolean ok;
                long interval;
                try {
                    long startMono = clock.monotonicNanos();
                    long startReal = clock.realtimeNanos();
                    Sample s = reference.measure();
                    failures = 0;
                    if (unreachable) {
                        health(Priority.NOTICE, "master " + reference.name() + " back");
                        unreachable = false;
                    }
                    ok = !leap.reachedQuietWindow(startReal, clock.monotonicNanos() - startMono);
                    if (ok) {
                        interval = handle(leap.smeared(s), filter, discipline, schedule, goodMeasurements + 1);
                    } else {
                        log.debug(1, "measurement from " + reference.name()
                                + " discarded: it ran into the quiet window around the leap second");
                        status.discardedForLeap(s);
                        interval = schedule.nextIntervalNanos(goodMeasurements, false);
                    }
                } catch (MeasurementException | RuntimeException e) {
                    // A RuntimeException is a bug in a reference (say, a Sample it could not build):
                    // it fails this measurement like any other, it does not end the daemon.
                    String reason = e instanceof MeasurementException ? e.getMessage()
                            : "internal error: " + e;
                    ok = false;
                    interval = schedule.nextIntervalNanos(goodMeasurements, false);
                    failures++;
                    status.failed(reason);
                    if (!unreachable && failures >= UNREACHABLE_AFTER_FAILURES) {
                        health(Priority.ERR, "master " + reference.name() + " " + failingWord(e) + ": " + reason);
                        unreachable = true;
                    } else {
                        log.debug(1, "master " + reference.name() + ": " + reason);
                    }
                }
                if (ok) {
                    goodMeasurements++;
                }
                nextMeasureMono = leap.measureNotBefore(clock.monotonicNanos() + interval, clock.realtimeNanos(),
                        clock.monotonicNanos());
                timetrimNsPerSec = discipline.timetrimNsPerSec();
                long pubMono = clock.monotonicNanos();
                statusListener.published(status.snapshot(pubMono, clock.realtimeNanos(), bound, timetrimNsPerSec,
                        Math.max(0, nextMeasureMono - pubMono)));
            }
            now = clock.monotonicNanos();
            if (!settings.measureOnly() && discipline.slewEndMono() <= now) {
                try {
                    discipline.endSlew(now);
                } catch (ClockException e) {
                    log.err("cannot set the clock frequency: " + e.getMessage());
                }
            }
            if (!settings.measureOnly() && schedule.primed(goodMeasurements)
                    && discipline.timetrimSkewNsPerSec() < SAVE_MAX_SKEW_NS_PER_SEC
                    && (Double.isNaN(savedTrim) || now - lastSaveMono >= SAVE_INTERVAL_NANOS)
                    && !(Math.abs(discipline.timetrimNsPerSec() - savedTrim) < SAVE_MIN_CHANGE_NS_PER_SEC)) {
                long t = Math.round(discipline.timetrimNsPerSec());
                if (timetrim.save(t)) {
                    String line = "timetrim " + t + " ns/s saved";
                    if (Double.isNaN(loggedTrim) || Math.abs(t - loggedTrim) >= SAVE_LOG_CHANGE_NS_PER_SEC) {
                        log.info(line);
                        loggedTrim = t;
                    } else {
                        log.debug(1, line);
                    }
                    savedTrim = t;
                }
                lastSaveMono = now;
            }
            if (stopping) {
                break;
            }
            long deadline = settings.measureOnly() ? nextMeasureMono : Math.min(nextMeasureMono, discipline.slewEndMono());
            if (clock.stepsAloneMoveRealtimeAgainstMonotonic()) {
                deadline = Math.min(deadline, clock.monotonicNanos() + STEP_WATCH_INTERVAL_NANOS);
            }
            scheduler.waitUntil(Math.min(deadline, leap.nextMono()));
        }
    }

    /**
     * ops12: "unreachable" for a master that did not answer (or a bug in its reference, as before);
     * "failing" for one that answered with something unusable (a bad date, a refusal, a local error).
     */
    static String failingWord(Exception e) {
        return e instanceof MeasurementException m && m.kind != MeasurementException.Kind.UNREACHABLE ? "failing"
                : "unreachable";
    }

    /** Logs a change of the master's health, at debug level when the reference reports its own. */
    private void health(Priority priority, String message) {
        if (reference.reportsOwnHealth()) {
            log.debug(1, message);
        } else {
            log.log(priority, message);
        }
    }

    /** Filters and acts on a sample; returns the wait until the next measurement, ns. */
    private long handle(Sample s, Filter filter, Discipline discipline, Schedule schedule, int good) {
        if (!settings.measureOnly()) {
            discipline.settle(clock.monotonicNanos());
            // Only while priming: later the timetrim's own uncertainty comes from these same samples.
            filter.frequencyPrior(discipline.timetrimNsPerSec() - discipline.frequencyNsPerSec(),
                    goodMeasurements < Schedule.PRIMED_MEASUREMENTS
                            ? discipline.timetrimSkewNsPerSec() / Discipline.SKEW_PER_SD : Double.POSITIVE_INFINITY);
        }
        Estimate predicted = schedule.longBaseline() ? filter.estimate(s.monoNanos()) : null;
        Filter.Verdict v = filter.add(s);
        status.measured(s, v);
        log.debug(1, "sample offset " + Seconds.signed(s.offsetNanos()) + " s delay " + Seconds.unsigned(s.delayNanos())
                + " s from " + s.source() + ": " + v.name().toLowerCase(java.util.Locale.ROOT));
        if (v == Filter.Verdict.REJECTED_BOUND) {
            if (!boundLogged) {
                log.notice("sample from " + s.source() + " refused: error bound " + Seconds.unsigned(s.errorNanos())
                        + " s is wider than " + Seconds.plain((long) Filter.MAX_VOTING_BOUND_NANOS) + " s");
                boundLogged = true;
            }
        } else if (v == Filter.Verdict.ACCEPTED) {
            boundLogged = false;
        }
        if (v == Filter.Verdict.JUMP) {
            log.notice("offset jumped to " + Seconds.signed(s.offsetNanos()) + " s; filter restarted");
        }
        long now = clock.monotonicNanos();
        Estimate e = filter.estimate(now);
        if (e == null) {
            long interval = nextInterval(filter, schedule, good, s, predicted, v != Filter.Verdict.ACCEPTED);
            updateBound(filter, null, now);
            return interval;
        }
        lastEstimate = e;
        status.estimate(e);
        log.debug(1, "estimate offset " + Seconds.signed(e.offsetNanos()) + " s sd " + Seconds.unsigned(e.reportedSdNanos())
                + " s frequency " + Seconds.ppm(e.freqNsPerSec()) + " ppm skew " + Seconds.ppm(e.skewNsPerSec())
                + " ppm samples " + e.samples());
        boolean rateRefused = rateBeyondReach(e, discipline);
        if (settings.measureOnly()) {
            log.info("offset " + Seconds.signed(s.offsetNanos()) + " s delay " + Seconds.unsigned(s.delayNanos())
                    + " s estimate " + Seconds.signed(e.offsetNanos()) + " s frequency "
                    + Seconds.ppm(e.freqNsPerSec()) + " ppm from " + s.source());
            wouldDo(filter, e);
            long interval = nextInterval(filter, schedule, good, s, predicted, v != Filter.Verdict.ACCEPTED);
            updateBound(filter, e, now);
            return interval;
        }
        if (rateRefused) {
            // Neither stepped, slewed nor trimmed: the clock keeps its own rate, and no bound is published from it.
            return nextInterval(filter, schedule, good, s, predicted, true);
        }
        double median = filter.newestMedianOffset(Discipline.STEP_AGREEING_SAMPLES);
        long panic = settings.panicNanos();
        boolean beyondPanic = panic > 0 && (Math.abs(e.offsetNanos()) > panic || Math.abs(median) > panic);
        int agreeingSamples = Discipline.STEP_AGREEING_SAMPLES;
        boolean agreeing;
        if (beyondPanic) {
            double shown = Double.isNaN(median) ? e.offsetNanos() : median;
            if (synchronised) {
                if (!panicLogged) {
                    log.warning("offset " + Seconds.signed(shown) + " s from " + reference.name()
                            + " is beyond the panic limit " + Seconds.plain(panic) + " s; the clock is left alone");
                    panicLogged = true;
                }
                return nextInterval(filter, schedule, good, s, predicted, true);
            }
            agreeingSamples = filter.newestAgreeOver(PANIC_AGREEING_SAMPLES, PANIC_AGREEMENT_SPAN_NANOS);
            agreeing = agreeingSamples > 0 && Math.signum(median) == Math.signum(e.offsetNanos());
            if (!agreeing) {
                if (!panicLogged) {
                    log.notice("offset " + Seconds.signed(shown) + " s from " + reference.name()
                            + " is beyond the panic limit " + Seconds.plain(panic) + " s; it is corrected only once "
                            + PANIC_AGREEING_SAMPLES + " measurements over " + PANIC_AGREEMENT_SPAN_NANOS / 1_000_000_000L
                            + " s agree");
                    panicLogged = true;
                }
                return nextInterval(filter, schedule, good, s, predicted, true);
            }
        } else {
            if (panicLogged) {
                log.notice("offset from " + reference.name() + " within the panic limit again");
                panicLogged = false;
            }
            agreeing = filter.newestAgree(Discipline.STEP_AGREEING_SAMPLES)
                    && Math.abs(median) > settings.stepThresholdNanos() && Math.signum(median) == Math.signum(e.offsetNanos());
        }
        if (Math.abs(e.offsetNanos()) > settings.stepThresholdNanos() && agreeing) {
            filter.keepNewest(agreeingSamples);
            e = filter.estimate(now);
            // The step is what the agreeing samples say: the fit's extrapolation only where they allow it.
            double[] allowed = filter.agreedInterval(agreeingSamples, now, e.freqNsPerSec());
            if (allowed != null) {
                double off = Math.max(allowed[0], Math.min(allowed[1], e.offsetNanos()));
                e = new Estimate(e.monoNanos(), off, e.offsetSdNanos(), e.freqNsPerSec(), e.freqSdNsPerSec(),
                        e.skewNsPerSec(), e.stdDevNanos(), e.samples(), e.pathSdNanos());
            }
        }
        // Beyond the step threshold, stepped now or waiting for agreement: either way, measure again soon.
        boolean beyondStep = Math.abs(e.offsetNanos()) > settings.stepThresholdNanos();
        long intervalNanos = nextInterval(filter, schedule, good, s, predicted, v != Filter.Verdict.ACCEPTED || beyondStep);
        try {
            long stepped = discipline.update(e, agreeing, now, intervalNanos);
            stepWatch.ownStep(stepped);
            status.stepped(stepped);   // ops12: counts steps
            if (!beyondStep || agreeing) {
                synchronised = true;
                panicLogged = false;
            }
        } catch (ClockException ex) {
            log.err("cannot adjust the clock: " + ex.getMessage());
        }
        Estimate after = filter.estimate(now);
        updateBound(filter, after, now);
        ErrorBound b = bound;
        try {
            clock.setErrorEstimates(Math.round(Math.min(b.maxErrorNanos(now), 16e9)),
                    Math.round(Math.min(after.reportedSdNanos(), 16e9)), b.known() && b.maxErrorNanos(now) < 16e9);
        } catch (ClockException ex) {
            log.debug(1, "cannot set the error estimates: " + ex.getMessage());
        }
        return intervalNanos;
    }

    // ops12: -m says what it would have done.
    private double loggedWouldTrim = Double.NaN;

    /**
     * Under -m: the step the discipline would make now (the rule of {@link #handle}: beyond the step
     * threshold and the newest samples agreeing), and the frequency it would set once that moved 1 ppm.
     */
    private void wouldDo(Filter filter, Estimate e) {
        double median = filter.newestMedianOffset(Discipline.STEP_AGREEING_SAMPLES);
        if (Math.abs(e.offsetNanos()) > settings.stepThresholdNanos() && filter.newestAgree(Discipline.STEP_AGREEING_SAMPLES)
                && Math.abs(median) > settings.stepThresholdNanos() && Math.signum(median) == Math.signum(e.offsetNanos())) {
            log.info("-m: would step the clock by " + Seconds.signed(e.offsetNanos()) + " s");
        }
        double trim = settings.initDriftNsPerSec() + e.freqNsPerSec();
        if (e.samples() >= Schedule.PRIMED_MEASUREMENTS && (Double.isNaN(loggedWouldTrim)
                || Math.abs(trim - loggedWouldTrim) >= SAVE_LOG_CHANGE_NS_PER_SEC)) {
            log.info("-m: would set the frequency to " + Seconds.ppm(trim) + " ppm (timetrim " + Math.round(trim) + " ns/s)");
            loggedWouldTrim = trim;
        }
    }
    // end ops12

    /**
     * Whether the reference runs faster or slower than the local clock could follow: its rate
     * against the uncorrected oscillator (the correction in force plus the filter's frequency,
     * {@link Discipline#update}'s target) lies, by more than its skew, beyond -D or the kernel's
     * reach. Logs the refusal once, and its end once.
     */
    private boolean rateBeyondReach(Estimate e, Discipline discipline) {
        double applied = settings.measureOnly() ? 0 : discipline.frequencyNsPerSec();
        double rate = applied + e.freqNsPerSec();
        double limit = Math.min(settings.maxDriftNsPerSec(), SystemClock.MAX_FREQUENCY_NS_PER_SEC);
        boolean beyond = Math.abs(rate) - e.skewNsPerSec() > limit;
        if (beyond && !rateLogged) {
            log.warning("master " + reference.name() + " runs at " + Seconds.ppm(rate) + " ppm against the local clock,"
                    + " beyond the -D limit of " + Seconds.ppmUnsigned(limit) + " ppm; not followed");
            rateLogged = true;
        } else if (!beyond && rateLogged && Math.abs(rate) + e.skewNsPerSec() <= limit) {
            log.notice("master " + reference.name() + " runs within the -D limit again");
            rateLogged = false;
        }
        return beyond || rateLogged;
    }

    /**
     * Asks the schedule for the wait after a good measurement, first telling the long-baseline
     * schedule how far the sample was from the filter's prediction beyond its own error bound
     * ({@code surprise}: refused, or beyond the step threshold); logs the long-baseline interval's changes.
     */
    private long nextInterval(Filter filter, Schedule schedule, int good, Sample s, Estimate predicted,
                              boolean surprise) {
        if (schedule.adaptive()) {
            Estimate fit = filter.estimate(s.monoNanos());
            long before = schedule.adaptiveIntervalNanos();
            // Until the filter has learnt the wander (its bound then uses it) the interval stays.
            schedule.adapt(good, surprise, fit == null ? Double.NaN : fit.stdDevNanos(),
                    filter.boundWanderNsPerSec15() > 0 ? filter.wanderNsPerSec15() : Double.NaN);
            long after = schedule.adaptiveIntervalNanos();
            if (Math.abs(after - before) >= before / 4) {
                log.debug(1, String.format(java.util.Locale.ROOT, "adaptive interval %d s (scatter %.1f us, wander %.3g"
                        + " ns/s per root s, offset sd %.1f us over %d samples)", after / 1_000_000_000L,
                        fit == null ? Double.NaN : fit.stdDevNanos() / 1e3, filter.wanderNsPerSec15(),
                        fit == null ? Double.NaN : fit.offsetSdNanos() / 1e3, fit == null ? 0 : fit.samples()));
            }
        }
        if (!schedule.longBaseline()) {
            return schedule.nextIntervalNanos(good, true);
        }
        double disagreement = predicted == null ? Double.NaN
                : Math.max(0, Math.abs(s.offsetNanos() - predicted.offsetNanos()) - s.errorNanos());
        if (!surprise) {
            heldBound = null;
        } else if (heldBound == null) {
            heldBound = bound;
        }
        long before = schedule.longIntervalNanos();
        schedule.observe(good, surprise ? Schedule.Outcome.SURPRISE : Schedule.Outcome.AGREED, disagreement);
        long after = schedule.longIntervalNanos();
        if (after < before && surprise) {
            log.info("interval back to " + (after / 1_000_000_000L) + " s: sample refused or clock stepped");
        } else if (after < before) {
            log.info("interval shortened to " + (after / 1_000_000_000L) + " s: offset "
                    + Seconds.signed(s.offsetNanos() - predicted.offsetNanos()) + " s from the prediction");
        } else if (after > before && after == schedule.longIntervalMaxNanos()) {
            log.info("interval at its maximum " + (after / 1_000_000_000L) + " s");
        } else if (after > before) {
            log.debug(1, "interval doubled to " + (after / 1_000_000_000L) + " s");
        }
        return schedule.nextIntervalNanos(good, true);
    }

    private void updateBound(Filter filter, Estimate e, long now) {
        double allowance = filter.driftAllowanceNsPerSec();
        double[] iv = filter.interval(now, allowance);
        if (iv == null) {
            return;
        }
        double freq = e == null ? 0 : e.freqNsPerSec();
        double growth = allowance
                + (e == null ? settings.maxDriftNsPerSec() : e.skewNsPerSec());
        bound = new ErrorBound(now, iv[0], iv[1], freq, growth, filter.boundWanderNsPerSec15());
        if (heldBound != null && heldBound.known()) {
            bound = bound.hull(heldBound, now);
        }
        publish(now);
    }

    /** Asks {@link #run()} to return after the current step; safe from any thread. */
    public void stop() {
        stopping = true;
        scheduler.wake();
    }
}
