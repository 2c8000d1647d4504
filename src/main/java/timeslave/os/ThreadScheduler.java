package timeslave.os;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import timeslave.time.Scheduler;
import timeslave.time.TimeSource;

/** Waits on the monotonic clock in a real thread; {@link #wake()} (a signal, a stop) ends the wait early. */
public final class ThreadScheduler implements Scheduler {
    private final TimeSource time;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private boolean woken;

    public ThreadScheduler(TimeSource time) {
        this.time = time;
    }

    @Override
    public boolean waitUntil(long monotonicDeadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (woken) {
                    woken = false;
                    return true;
                }
                long remainingNanos = monotonicDeadlineNanos - time.monotonicNanos();
                if (remainingNanos <= 0) {
                    return false;
                }
                changed.awaitNanos(remainingNanos);
            }
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void wake() {
        lock.lock();
        try {
            woken = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
