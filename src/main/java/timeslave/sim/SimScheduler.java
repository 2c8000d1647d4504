package timeslave.sim;

import timeslave.time.Scheduler;

/** Waiting in the simulated world: virtual time jumps to the deadline, as in clknetsim. Ends the run at its end. */
final class SimScheduler implements Scheduler {
    private final SimWorld world;
    private Runnable onEnd = () -> { };
    private boolean woken;

    SimScheduler(SimWorld world) {
        this.world = world;
    }

    void onEnd(Runnable r) {
        onEnd = r;
    }

    @Override
    public boolean waitUntil(long monotonicDeadlineNanos) {
        if (woken) {
            woken = false;
            return true;
        }
        world.advanceToMono(monotonicDeadlineNanos);
        if (world.ended()) {
            onEnd.run();
            woken = false;
            return true;
        }
        return false;
    }

    @Override
    public void wake() {
        woken = true;
    }
}
