package timeslave.core;

import timeslave.log.Log;
import timeslave.ref.MeasurementException;
import timeslave.ref.Reference;
import timeslave.time.Scheduler;
import timeslave.time.SystemClock;

/**
 * The main loop: measure, filter, discipline, wait; the same code runs on the real clock and in
 * the simulator. (Skeleton: measures and logs only; the filter and discipline replace the body.)
 */
public final class Slave {
    private final Settings settings;
    private final Reference reference;
    private final SystemClock clock;
    private final Scheduler scheduler;
    private final Log log;
    private final TimetrimStore timetrim;
    private volatile boolean stopping;

    public Slave(Settings settings, Reference reference, SystemClock clock, Scheduler scheduler, Log log,
                 TimetrimStore timetrim) {
        this.settings = settings;
        this.reference = reference;
        this.clock = clock;
        this.scheduler = scheduler;
        this.log = log;
        this.timetrim = timetrim;
    }

    /** Runs until {@link #stop()}. */
    public void run() throws InterruptedException {
        while (!stopping) {
            try {
                Sample s = reference.measure();
                log.debug(1, "offset " + s.offsetNanos() + " ns from " + s.source());
            } catch (MeasurementException e) {
                log.err(e.getMessage());
            }
            if (stopping) {
                break;
            }
            scheduler.waitUntil(clock.monotonicNanos() + settings.rateNanos());
        }
    }

    /** Asks {@link #run()} to return after the current step; safe from any thread. */
    public void stop() {
        stopping = true;
        scheduler.wake();
    }
}
