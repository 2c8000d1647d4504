package timeslave.log;

/**
 * Where timeslave's messages go: syslog (and stderr with -B) in production, a list in tests,
 * stdout with virtual timestamps in the simulator. Messages are interface: see man/timeslave.1m.
 */
public interface Log {

    /** Writes one message at the given priority (no trailing newline). */
    void log(Priority priority, String message);

    /** The current debugging level (-d count, changed by SIGUSR1/SIGUSR2). */
    int debugLevel();

    default void err(String message) {
        log(Priority.ERR, message);
    }

    default void warning(String message) {
        log(Priority.WARNING, message);
    }

    default void notice(String message) {
        log(Priority.NOTICE, message);
    }

    default void info(String message) {
        log(Priority.INFO, message);
    }

    /** Logs at DEBUG only when the debugging level is at least {@code level}. */
    default void debug(int level, String message) {
        if (debugLevel() >= level) {
            log(Priority.DEBUG, message);
        }
    }
}
