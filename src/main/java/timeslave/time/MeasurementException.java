package timeslave.time;

/** Why a measurement produced no sample; {@link #kind} decides how loudly the daemon says so. */
public class MeasurementException extends Exception {

    /** The classes of failure the daemon treats differently. */
    public enum Kind {
        /** Nothing answered in time: the master or receiver is unreachable (logged once, then "back"). */
        UNREACHABLE,
        /** Something answered, but not with a usable time (bad packet, garbage line, fault bits). */
        BAD_REPLY,
        /** The reference told us to go away (SNTP KoD DENY/RSTR): stop using it. */
        REFUSED,
        /** Local trouble: the tty vanished, a socket could not be opened, no privilege. */
        LOCAL
    }

    public final Kind kind;

    public MeasurementException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public MeasurementException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }
}
