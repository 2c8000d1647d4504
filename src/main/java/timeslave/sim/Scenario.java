package timeslave.sim;

import timeslave.time.Reference;
import timeslave.core.Settings;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * One simulated situation: the clock's start, the oscillator, the path, the daemon's settings
 * and any mishap. Scenarios are written as "defaults, except…" ({@link #defaults()} then withers).
 */
public final class Scenario implements Cloneable {
    String name = "default";
    long seconds = 86_400;
    long statsFromSec = 3_600;
    double initialOffsetNanos = 2e9;       // local − true: the clock starts this far ahead
    double freqNsPerSec = 50_000;          // the oscillator runs this fast
    double wanderNsPerSec = 1.0;           // 1e-9 per √s
    long freqStepAtSec = -1;
    double freqStepNsPerSec;
    SimPath path = SimPath.symmetric(100_000, 100_000);
    int probes = 4;
    Settings settings = Settings.defaults();
    OptionalLong savedTrimNsPerSec = OptionalLong.empty();
    long silentFromSec = -1;
    long silentToSec = -1;
    long externalStepAtSec = -1;
    long externalStepNanos;
    long lieAtSec = -1;
    long lieNanos;
    long jumpAtSec = -1;
    long jumpNanos;
    long leapAfterDays = -1;
    int leapSign;
    boolean leapFileExpired;
    /** With two or more, the daemon follows them all through {@code core.Ensemble}; empty: one reference. */
    List<Master> masters = List.of();

    /**
     * One of several simulated references: its own path, a constant bias (a falseticker when far
     * off) and a silence window (−1: never silent).
     */
    record Master(SimPath path, long biasNanos, long silentFromSec, long silentToSec) {
    }

    /** The --simulate default: 2 s off, 50 ppm fast, path100 (100 µs + Exp(100 µs) each way), timeslave's -r 210 s, one day. */
    public static Scenario defaults() {
        return new Scenario();
    }

    private Scenario copy() {
        try {
            return (Scenario) clone();
        } catch (CloneNotSupportedException e) {
            throw new AssertionError(e);
        }
    }

    public Scenario name(String v) {
        Scenario c = copy();
        c.name = v;
        return c;
    }

    public Scenario seconds(long v) {
        Scenario c = copy();
        c.seconds = v;
        return c;
    }

    public Scenario statsFromSec(long v) {
        Scenario c = copy();
        c.statsFromSec = v;
        return c;
    }

    /** The clock starts {@code v} seconds ahead of true time. */
    public Scenario offsetSec(double v) {
        Scenario c = copy();
        c.initialOffsetNanos = v * 1e9;
        return c;
    }

    /** The oscillator runs {@code v} ppm fast. */
    public Scenario freqPpm(double v) {
        Scenario c = copy();
        c.freqNsPerSec = v * 1000;
        return c;
    }

    /** Random-walk frequency wander, as a fraction per √s (1e-9 = clknetsim's default). */
    public Scenario wander(double v) {
        Scenario c = copy();
        c.wanderNsPerSec = v * 1e9;
        return c;
    }

    /** At {@code atSec} the oscillator's frequency changes by {@code ppm} at once (a change of temperature). */
    public Scenario freqStep(long atSec, double ppm) {
        Scenario c = copy();
        c.freqStepAtSec = atSec;
        c.freqStepNsPerSec = ppm * 1000;
        return c;
    }

    public Scenario path(SimPath v) {
        Scenario c = copy();
        c.path = v;
        return c;
    }

    public Scenario probes(int v) {
        Scenario c = copy();
        c.probes = v;
        return c;
    }

    public Scenario settings(Settings v) {
        Scenario c = copy();
        c.settings = v;
        return c;
    }

    /** -r in seconds. */
    public Scenario rateSec(double v) {
        return settings(settings.withRateNanos(Math.round(v * 1e9)));
    }

    /** The long-baseline schedule: intervals double from -r up to {@code v} seconds (0: timeslave's schedule). */
    public Scenario maxRateSec(double v) {
        return settings(settings.withMaxRateNanos(Math.round(v * 1e9)));
    }

    /** --adaptive-rate MIN:MAX in seconds. */
    public Scenario adaptiveRateSec(double min, double max) {
        return settings(settings.withAdaptiveRateNanos(Math.round(min * 1e9), Math.round(max * 1e9)));
    }

    public Scenario measureOnly() {
        return settings(settings.withMeasureOnly(true));
    }

    /** A timetrim file holding exactly the correction the oscillator needs. */
    public Scenario exactSavedTrim() {
        Scenario c = copy();
        c.savedTrimNsPerSec = OptionalLong.of(Math.round(-freqNsPerSec));
        return c;
    }

    /** The single reference gives no replies between these seconds (with several, see {@link #silentReference}). */
    public Scenario silent(long fromSec, long toSec) {
        Scenario c = copy();
        c.silentFromSec = fromSec;
        c.silentToSec = toSec;
        return c;
    }

    public Scenario externalStep(long atSec, double stepSec) {
        Scenario c = copy();
        c.externalStepAtSec = atSec;
        c.externalStepNanos = Math.round(stepSec * 1e9);
        return c;
    }

    /** The single reference lies once (not used with {@link #references}). */
    public Scenario lieOnce(long atSec, double bySec) {
        Scenario c = copy();
        c.lieAtSec = atSec;
        c.lieNanos = Math.round(bySec * 1e9);
        return c;
    }

    /** From {@code atSec} on, the single reference is off by {@code bySec} for good (a master whose clock jumped). */
    public Scenario masterJumps(long atSec, double bySec) {
        Scenario c = copy();
        c.jumpAtSec = atSec;
        c.jumpNanos = Math.round(bySec * 1e9);
        return c;
    }

    /** --panic in seconds (0: no limit). */
    public Scenario panicSec(double v) {
        return settings(settings.withPanicNanos(Math.round(v * 1e9)));
    }

    /**
     * UTC has a leap second at the end of day {@code days} of the run (at 00:00:00 UTC, {@code days}
     * whole days after the start): sign +1 inserts, −1 deletes. The daemon is given a leap-seconds
     * table listing it, valid for half a year.
     */
    public Scenario leap(long days, int sign) {
        Scenario c = copy();
        c.leapAfterDays = days;
        c.leapSign = Integer.signum(sign);
        return c;
    }

    /** The daemon's leap-seconds table expired the day before the start and does not list the leap. */
    public Scenario leapFileExpired() {
        Scenario c = copy();
        c.leapFileExpired = true;
        return c;
    }

    /** What the daemon does about leap seconds (--leap). */
    public Scenario leapMode(Settings.Leap v) {
        return settings(settings.withLeap(v));
    }

    /** {@code n} references, each an honest copy of the scenario's path, followed together. */
    public Scenario references(int n) {
        Scenario c = copy();
        List<Master> m = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            m.add(new Master(path, 0, -1, -1));
        }
        c.masters = List.copyOf(m);
        return c;
    }

    /** Reference {@code index} (from 0; after {@link #references}) reports true time + {@code biasSec}. */
    public Scenario biased(int index, double biasSec) {
        Master m = masters.get(index);
        return withMaster(index, new Master(m.path(), Math.round(biasSec * 1e9), m.silentFromSec(), m.silentToSec()));
    }

    /** Reference {@code index} (after {@link #references}) gives no replies between these seconds. */
    public Scenario silentReference(int index, long fromSec, long toSec) {
        Master m = masters.get(index);
        return withMaster(index, new Master(m.path(), m.biasNanos(), fromSec, toSec));
    }

    /** Reference {@code index} (after {@link #references}) is reached over {@code v}. */
    public Scenario referencePath(int index, SimPath v) {
        Master m = masters.get(index);
        return withMaster(index, new Master(v, m.biasNanos(), m.silentFromSec(), m.silentToSec()));
    }

    private Scenario withMaster(int index, Master m) {
        Scenario c = copy();
        List<Master> all = new ArrayList<>(masters);
        all.set(index, m);
        c.masters = List.copyOf(all);
        return c;
    }

    public String name() {
        return name;
    }

    public long seconds() {
        return seconds;
    }

    public SimPath path() {
        return path;
    }

    public int probes() {
        return probes;
    }

    public Settings settings() {
        return settings;
    }
}
