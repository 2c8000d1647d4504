package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadSchedulerTest {
    private final SystemTime time = new SystemTime();
    private final ThreadScheduler scheduler = new ThreadScheduler(time);

    @Test
    void aPastDeadlineReturnsAtOnceUnwoken() throws InterruptedException {
        assertFalse(scheduler.waitUntil(time.monotonicNanos() - 1));
    }

    @Test
    void aShortWaitReachesItsDeadline() throws InterruptedException {
        long deadline = time.monotonicNanos() + 20_000_000L;
        assertFalse(scheduler.waitUntil(deadline));
        assertTrue(time.monotonicNanos() >= deadline, "returned before the deadline");
    }

    @Test
    void aWakeBeforeTheWaitEndsTheNextWait() throws InterruptedException {
        scheduler.wake();
        assertTrue(scheduler.waitUntil(time.monotonicNanos() + 3_600_000_000_000L));
        assertFalse(scheduler.waitUntil(time.monotonicNanos()), "a wake is consumed once");
    }

    @Test
    void wakeEndsALongWaitEarly() throws Exception {
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Boolean> woken = ex.submit(() -> scheduler.waitUntil(time.monotonicNanos() + 3_600_000_000_000L));
            Thread.sleep(50);
            scheduler.wake();
            assertTrue(woken.get(30, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
    }
}
