package timeslave.os;

import java.util.List;
import java.util.Locale;
import timeslave.log.Log;
import timeslave.time.ClockException;
import timeslave.time.SystemClock;

/**
 * Keeps timeslave's hands off a clock that another program adjusts (two daemons on one clock make
 * temporal chaos): before each write it looks, at most every {@link #SCAN_INTERVAL_NANOS}, for
 * another time daemon and the kernel PLL in use, and on each frequency write it checks that the
 * frequency is still the one it last wrote. While another one adjusts the clock, writes are dropped
 * (with one log line when that starts and one when it ends) unless --force. Reads pass through.
 */
public final class ClockGuard implements SystemClock {
    /** How often the processes are looked at, at most: ns (64 s, a short poll interval of ntpd's). */
    static final long SCAN_INTERVAL_NANOS = 64_000_000_000L;
    /** A frequency further than this from the one written was changed by someone else, ns/s (the kernel keeps 2^-16 ppm). */
    static final double FREQUENCY_TOLERANCE_NS_PER_SEC = 1.0;

    /** What is looked at: other daemons, the kernel PLL. */
    public interface Probe {
        List<String> otherDaemons();

        /** Whether the kernel's PLL (STA_PLL) is on: ntpd's kernel discipline. */
        boolean kernelPll() throws ClockException;
    }

    private final SystemClock clock;
    private final Probe probe;
    private final Log log;
    private final boolean force;
    private final boolean throwWhenRefusing;
    private long lastScanMono;
    private boolean scanned;
    private String others = "";
    private String foreignFrequency;
    private double writtenFrequency = Double.NaN;

    /**
     * @param force             --force: adjust even so (the lines say so)
     * @param throwWhenRefusing throw instead of dropping a write quietly (--once --set must not claim a step)
     */
    public ClockGuard(SystemClock clock, Probe probe, Log log, boolean force, boolean throwWhenRefusing) {
        this.clock = clock;
        this.probe = probe;
        this.log = log;
        this.force = force;
        this.throwWhenRefusing = throwWhenRefusing;
    }

    /** The production probe: /proc and the kernel's timex status. */
    public static Probe system(LinuxClock clock) {
        long self = ProcessHandle.current().pid();
        return new Probe() {
            @Override
            public List<String> otherDaemons() {
                return OtherTimeDaemons.find(OtherTimeDaemons.PROC, self);
            }

            @Override
            public boolean kernelPll() throws ClockException {
                return (clock.read().status & Timex.STA_PLL) != 0;
            }
        };
    }

    /** Looks now (at start), and logs what it finds. */
    public synchronized void check() {
        scan(clock.monotonicNanos());
    }

    /** Whether writes are being dropped now. */
    public synchronized boolean refusing() {
        return !force && (!others.isEmpty() || foreignFrequency != null);
    }

    private void scan(long mono) {
        scanned = true;
        lastScanMono = mono;
        List<String> found = new java.util.ArrayList<>(probe.otherDaemons());
        try {
            if (probe.kernelPll()) {
                found.add("the kernel PLL (STA_PLL)");
            }
        } catch (ClockException e) {
            log.debug(1, "cannot read the kernel clock status: " + e.getMessage());
        }
        String now = String.join(", ", found);
        if (now.equals(others)) {
            return;
        }
        if (!now.isEmpty()) {
            if (force) {
                log.warning("another time daemon adjusts this clock: " + now + "; adjusting it anyway (--force)");
            } else {
                log.err("another time daemon adjusts this clock: " + now + "; not adjusting it (--force adjusts anyway)");
            }
        } else {
            log.notice("no other time daemon adjusts this clock any more" + (force ? "" : "; adjusting it again"));
        }
        others = now;
    }

    private boolean allowed(String what) throws ClockException {
        long mono = clock.monotonicNanos();
        if (!scanned || mono - lastScanMono >= SCAN_INTERVAL_NANOS) {
            scan(mono);
        }
        if (refusing()) {
            String why = "another program adjusts this clock ("
                    + (others.isEmpty() ? "its frequency changed" : others) + "); --force adjusts anyway";
            if (throwWhenRefusing) {
                throw new ClockException(why);
            }
            log.debug(2, "not " + what + ": " + why);
            return false;
        }
        return true;
    }

    /** Before a write: is the frequency still ours? */
    private void checkFrequency() throws ClockException {
        if (Double.isNaN(writtenFrequency) || foreignFrequency != null) {
            return;
        }
        double now = clock.frequency();
        if (Math.abs(now - writtenFrequency) > FREQUENCY_TOLERANCE_NS_PER_SEC) {
            foreignFrequency = String.format(Locale.ROOT, "%.0f", now);
            String line = String.format(Locale.ROOT, "clock frequency changed by someone else: %.0f ns/s written, %.0f ns/s"
                    + " found; another program adjusts this clock", writtenFrequency, now);
            if (force) {
                log.warning(line + "; adjusting it anyway (--force)");
                foreignFrequency = null;
            } else {
                log.err(line + "; not adjusting it until restarted (--force adjusts anyway)");
            }
        }
    }

    @Override
    public synchronized void step(long offsetNanos) throws ClockException {
        checkFrequency();
        if (allowed("stepping the clock by " + offsetNanos + " ns")) {
            clock.step(offsetNanos);
        }
    }

    @Override
    public synchronized void slew(long offsetNanos) throws ClockException {
        checkFrequency();
        if (allowed("slewing the clock by " + offsetNanos + " ns")) {
            clock.slew(offsetNanos);
        }
    }

    @Override
    public synchronized void setFrequency(double nsPerSec) throws ClockException {
        checkFrequency();
        if (allowed("setting the frequency to " + Math.round(nsPerSec) + " ns/s")) {
            clock.setFrequency(nsPerSec);
            writtenFrequency = clock.frequency();
        }
    }

    @Override
    public double frequency() throws ClockException {
        return clock.frequency();
    }

    @Override
    public synchronized void setErrorEstimates(long maxErrorNanos, long estErrorNanos, boolean synchronised)
            throws ClockException {
        if (allowed("setting the error estimates")) {
            clock.setErrorEstimates(maxErrorNanos, estErrorNanos, synchronised);
        }
    }

    @Override
    public synchronized void setLeap(Leap leap) throws ClockException {
        if (allowed("arming a leap second")) {
            clock.setLeap(leap);
        }
    }

    @Override
    public long realtimeNanos() {
        return clock.realtimeNanos();
    }

    @Override
    public long monotonicNanos() {
        return clock.monotonicNanos();
    }

    @Override
    public boolean stepsAloneMoveRealtimeAgainstMonotonic() {
        return clock.stepsAloneMoveRealtimeAgainstMonotonic();
    }
}
