package timeslave.time;


/**
 * A better clock to measure against: a network master, a serial receiver, or a simulated one.
 * Like chrony's refclock drivers it only measures; filtering and discipline are written once, in core.
 */
public interface Reference extends AutoCloseable {

    /** The name used in logs and in --once output, e.g. "sntp:127.0.0.1:123" or "/dev/ttyd2". */
    String name();

    /**
     * Takes one measurement (for a network master, one burst of probes reduced to one sample).
     * Blocks for at most the reference's own timeouts (-w, -W, serial character times).
     *
     * @throws MeasurementException when no trustworthy sample could be had this time
     */
    Sample measure() throws MeasurementException;

    /**
     * Whether this reference logs its own failures and recoveries, once per episode (as a serial
     * receiver does: "receiver … not answering" … "working again"). The daemon then keeps its own
     * "master … unreachable" / "back" lines at debug level, so one event makes one line.
     */
    default boolean reportsOwnHealth() {
        return false;
    }

    /** Releases sockets or the tty. */
    @Override
    default void close() {
    }
}
