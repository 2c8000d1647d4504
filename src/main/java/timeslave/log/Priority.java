package timeslave.log;

/** syslog(3) priorities timeslave uses, with their RFC 3164 numeric codes. */
public enum Priority {
    ERR(3), WARNING(4), NOTICE(5), INFO(6), DEBUG(7);

    public final int code;

    Priority(int code) {
        this.code = code;
    }
}
