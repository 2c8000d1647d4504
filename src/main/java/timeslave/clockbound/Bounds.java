package timeslave.clockbound;

import java.time.Instant;

/**
 * What {@link BoundedClock#now()} returns: true time lay in [earliest, latest] when it was read.
 *
 * @param earliest the earliest the true time can be
 * @param latest   the latest the true time can be
 * @param status   how far to trust it (only SYNCHRONIZED and FREE_RUNNING give a bound)
 */
public record Bounds(Instant earliest, Instant latest, ClockStatus status) {
}
