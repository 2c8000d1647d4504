package timeslave.ref;

import timeslave.log.Log;
import timeslave.ref.sntp.BadReply;
import timeslave.time.Epochs;

/**
 * Refuses a reference's date outside the sane window ({@link Epochs#outsideSaneWindow}: before the
 * release, or past the era the release trusts) and says so once per episode:
 * {@code refusing the date from NAME: DETAIL} at NOTICE for the first refusal, at debug level for the
 * next ones, again at NOTICE after a date was believed. Shared by the network references.
 */
public final class DateWindow {
    /** Debug level of the repeated refusals of one episode. */
    public static final int REPEAT_DEBUG_LEVEL = 1;

    private final Log log;
    private final String source;
    private boolean refusing;

    public DateWindow(Log log, String source) {
        this.log = log;
        this.source = source;
    }

    /**
     * Checks a server's date against the local clock's reading.
     *
     * @throws BadReply reason "bad-date" if it lies outside the window
     */
    public void check(long serverPosixNanos, long localPosixNanos) throws BadReply {
        String why = Epochs.outsideSaneWindow(serverPosixNanos, localPosixNanos);
        if (why == null) {
            refusing = false;
            return;
        }
        refuse(why);
    }

    /**
     * Refuses a date for a reason found elsewhere (a sentinel value), logged like a date outside the window.
     *
     * @throws BadReply always, with {@code reason}
     */
    public void refuse(String reason, String detail) throws BadReply {
        say(detail);
        throw new BadReply(reason, detail);
    }

    private void refuse(String why) throws BadReply {
        refuse("bad-date", why);
    }

    private void say(String detail) {
        String line = "refusing the date from " + source + ": " + detail;
        if (!refusing) {
            log.notice(line);
        } else {
            log.debug(REPEAT_DEBUG_LEVEL, line);
        }
        refusing = true;
    }
}
