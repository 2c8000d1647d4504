package timeslave.os;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicInteger;
import timeslave.log.Log;
import timeslave.log.Priority;

/**
 * The daemon's {@link Log}: every message to syslog and, with -B, to stderr as "timeslave: message";
 * the debugging level starts at the -d count and moves with SIGUSR1/SIGUSR2 ({@link #raiseDebugLevel()}).
 */
public final class SyslogLog implements Log {
    private final SyslogSink syslog;
    private final PrintStream stderr;
    private final AtomicInteger debugLevel;

    /** @param stderr where -B copies every message, or null */
    public SyslogLog(SyslogSink syslog, PrintStream stderr, int debugLevel) {
        this.syslog = syslog;
        this.stderr = stderr;
        this.debugLevel = new AtomicInteger(debugLevel);
    }

    @Override
    public void log(Priority priority, String message) {
        syslog.send(priority, message);
        if (stderr != null) {
            synchronized (stderr) {
                stderr.println("timeslave: " + message);
                stderr.flush();
            }
        }
    }

    @Override
    public int debugLevel() {
        return debugLevel.get();
    }

    /** SIGUSR1: one more level; logs "debugging increased to N". */
    public int raiseDebugLevel() {
        int n = debugLevel.incrementAndGet();
        log(Priority.DEBUG, "debugging increased to " + n);
        return n;
    }

    /** timeslave-ctl debug N (ops12): sets the level, 0 or more; logs "debugging set to N". */
    public int setDebugLevel(int level) {
        int n = Math.max(0, level);
        debugLevel.set(n);
        log(Priority.DEBUG, "debugging set to " + n);
        return n;
    }

    /** SIGUSR2: one level less, never below 0; logs "debugging decreased to N" even at 0. */
    public int lowerDebugLevel() {
        int n = debugLevel.updateAndGet(v -> Math.max(0, v - 1));
        log(Priority.DEBUG, "debugging decreased to " + n);
        return n;
    }
}
