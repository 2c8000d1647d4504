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

    /** ops12: when set, each stderr line starts with the UTC time ("2026-12-06T00:30:01Z "). */
    private final java.time.Clock stamps;

    /** @param stderr where -B copies every message, or null */
    public SyslogLog(SyslogSink syslog, PrintStream stderr, int debugLevel) {
        this(syslog, stderr, debugLevel, null);
    }

    /**
     * @param stamps the clock for -B's timestamps on stderr, or null for none (the journal stamps lines itself)
     */
    public SyslogLog(SyslogSink syslog, PrintStream stderr, int debugLevel, java.time.Clock stamps) {
        this.syslog = syslog;
        this.stderr = stderr;
        this.debugLevel = new AtomicInteger(debugLevel);
        this.stamps = stamps;
    }

    /** "2026-12-06T00:30:01Z ": UTC to the second, as chronyd -d prints. */
    static String stamp(java.time.Clock c) {
        return java.time.Instant.now(c).truncatedTo(java.time.temporal.ChronoUnit.SECONDS) + " ";
    }

    @Override
    public void log(Priority priority, String message) {
        syslog.send(priority, message);
        if (stderr != null) {
            synchronized (stderr) {
                stderr.println((stamps == null ? "" : stamp(stamps)) + "timeslave: " + message);
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
