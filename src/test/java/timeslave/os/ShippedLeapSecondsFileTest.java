package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import timeslave.time.LeapSeconds;

/**
 * The leap-seconds file we ship (etc/leap-seconds.list, in the .deb as /etc/timeslave/leap-seconds.list) is
 * valid as the daemon reads it. Whether it is still current depends on the day the build runs, so nearing or
 * passing its expiry is a warning in the test output, never a red build on some future date.
 */
class ShippedLeapSecondsFileTest {
    static final Path SHIPPED = Path.of("etc/leap-seconds.list");
    /** How long before the #@ date the build starts warning, days: a month to fetch the next IERS list. */
    static final long WARN_DAYS_BEFORE_EXPIRY = 30;

    /** Null while the file has more than {@link #WARN_DAYS_BEFORE_EXPIRY} days left, else the warning to print. */
    static String expiryWarning(LeapSeconds ls, long nowPosixSeconds) {
        long daysLeft = Math.floorDiv(ls.expiresPosixSeconds() - nowPosixSeconds, 86_400);
        String expires = LocalDate.ofEpochDay(Math.floorDiv(ls.expiresPosixSeconds(), 86_400)).toString();
        if (ls.expiredAt(nowPosixSeconds)) {
            return SHIPPED + " expired on " + expires + ": ship the current IERS list";
        }
        if (daysLeft < WARN_DAYS_BEFORE_EXPIRY) {
            return SHIPPED + " expires on " + expires + " (" + daysLeft + " days): ship the next IERS list";
        }
        return null;
    }

    @Test
    void theShippedFileIsValidAndItsExpiryIsReported() throws Exception {
        LeapSeconds ls = LeapSecondsFile.read(SHIPPED);
        assertTrue(ls.lastUpdatePosixSeconds() < ls.expiresPosixSeconds(), "updated before it expires");
        assertEquals(37, ls.entries().get(ls.entries().size() - 1).taiMinusUtcSeconds(), "TAI-UTC since 2017");
        String warning = expiryWarning(ls, Instant.now().getEpochSecond());
        if (warning != null) {
            System.err.println("WARNING: " + warning);
        }
    }

    @Test
    void theWarningStartsThirtyDaysBeforeExpiry() throws Exception {
        LeapSeconds ls = LeapSecondsFile.read(SHIPPED);
        long expires = ls.expiresPosixSeconds();
        assertNull(expiryWarning(ls, expires - 31 * 86_400L));
        assertEquals(SHIPPED + " expires on 2027-06-28 (29 days): ship the next IERS list",
                expiryWarning(ls, expires - 29 * 86_400L - 1));
        assertEquals(SHIPPED + " expired on 2027-06-28: ship the current IERS list", expiryWarning(ls, expires));
    }
}
