package timeslave.core;

/**
 * Receives the daemon's {@link Status} after every measurement (the control socket, the metrics
 * endpoint and the statistics files listen). Called on the main loop's thread: keep it quick.
 */
public interface StatusListener {

    /** Listens to nothing. */
    StatusListener NONE = s -> {
    };

    void published(Status status);
}
