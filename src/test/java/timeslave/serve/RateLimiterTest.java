package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aBurstIsAllowedThenOnePerEarnedToken() {
        RateLimiter r = new RateLimiter(2, 4);
        long t = 100 * S;
        for (int i = 0; i < 4; i++) {
            assertTrue(r.allow(7, t), "burst " + i);
        }
        assertFalse(r.allow(7, t));
        assertFalse(r.allow(7, t + S / 4), "half a token earned");
        assertTrue(r.allow(7, t + S / 2), "one token after 0.5 s at 2/s");
        assertFalse(r.allow(7, t + S / 2));
        assertTrue(r.allow(8, t), "another client has its own bucket");
    }

    @Test
    void theBucketHoldsNoMoreThanTheBurst() {
        RateLimiter r = new RateLimiter(1, 3);
        r.allow(1, 0);
        int allowed = 0;
        for (int i = 0; i < 10; i++) {
            allowed += r.allow(1, 1_000 * S) ? 1 : 0;
        }
        assertEquals(3, allowed);
    }

    @Test
    void aKissOfDeathGoesAtMostOnceEveryTwoSeconds() {
        RateLimiter r = new RateLimiter(1, 1);
        assertTrue(r.allow(5, 0));
        assertFalse(r.allow(5, 1));
        assertTrue(r.kissAllowed(5, 1));
        assertFalse(r.kissAllowed(5, S));
        assertTrue(r.kissAllowed(5, 1 + RateLimiter.KOD_INTERVAL_NANOS));
        assertFalse(r.kissAllowed(6, 0), "never for a client it has not seen");
    }

    @Test
    void offLetsEverythingThrough() {
        RateLimiter r = RateLimiter.off();
        assertFalse(r.enabled());
        for (int i = 0; i < 10_000; i++) {
            assertTrue(r.allow(1, 0));
        }
    }

    @Test
    void manyClientsNeverMakeTheLimitStricter() {
        RateLimiter r = new RateLimiter(1, 2);
        for (long c = 0; c < 3 * RateLimiter.SLOTS; c++) {
            assertTrue(r.allow(c, 0), "client " + c + "'s first request");
        }
    }
}
