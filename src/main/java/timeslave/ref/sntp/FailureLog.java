package timeslave.ref.sntp;

import timeslave.log.Log;

/**
 * IRIX timeslave's rule for unanswered masters: the first failure in a row is logged, later ones
 * only with debugging (-d), none at all with -q; a success re-arms it. Shared by the network references.
 */
public final class FailureLog {
    /** -d level at which repeated failures are logged. */
    public static final int REPEAT_DEBUG_LEVEL = 1;

    private final Log log;
    private final boolean quiet;
    private boolean failing;

    public FailureLog(Log log, boolean quiet) {
        this.log = log;
        this.quiet = quiet;
    }

    /** Records a failure, logging it if it is the first in a row and -q is off. */
    public void failed(String message) {
        if (quiet) {
            failing = true;
            return;
        }
        if (!failing) {
            log.notice(message);
        } else {
            log.debug(REPEAT_DEBUG_LEVEL, message);
        }
        failing = true;
    }

    /** Records a success; logs {@code message} at debug level if it ends a run of failures. */
    public void succeeded(String message) {
        if (failing) {
            log.debug(REPEAT_DEBUG_LEVEL, message);
        }
        failing = false;
    }

    public boolean failing() {
        return failing;
    }
}
