package timeslave.time;

/** A clock operation the system refused, with the call and the reason ("clock_adjtime(ADJ_SETOFFSET): EPERM"). */
public class ClockException extends Exception {
    public ClockException(String message) {
        super(message);
    }

    public ClockException(String message, Throwable cause) {
        super(message, cause);
    }
}
