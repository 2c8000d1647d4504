package timeslave.os;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import timeslave.log.Priority;

/**
 * Syslog that never loses a message silently: when nothing listens at the syslog socket (a
 * container, a rescue shell, a detached daemon with no syslogd), messages go to journald's own
 * syslog socket, else appended to a file, else to standard error; the switch is said once, on
 * standard error (which the launcher shows) and at the new place, and so is the way back.
 */
public final class FallbackSyslog implements SyslogSink {
    /** journald's syslog socket (/dev/log is normally a link to it). */
    public static final Path JOURNAL = Path.of("/run/systemd/journal/dev-log");
    /** The last resort before standard error. */
    public static final Path FILE = Path.of("/var/log/timeslave.log");

    private final Syslog primary;
    private final Syslog journal;
    private final Path file;
    private final PrintStream stderr;
    private final Clock clock;
    private final boolean stderrCopied;
    private final long pid = ProcessHandle.current().pid();
    private String current;

    /**
     * @param journal the second socket, or null (when it is the primary itself)
     * @param file    the file tried third
     * @param stderrCopied -B already copies every message to {@code stderr}: do not print them twice
     */
    public FallbackSyslog(Syslog primary, Syslog journal, Path file, PrintStream stderr, Clock clock,
                          boolean stderrCopied) {
        this.primary = primary;
        this.journal = journal;
        this.file = file;
        this.stderr = stderr;
        this.clock = clock;
        this.stderrCopied = stderrCopied;
        this.current = primary.path().toString();
    }

    /** The production chain for the syslog socket {@code path}. */
    public static FallbackSyslog system(Path path, PrintStream stderr, boolean stderrCopied) {
        Syslog p = new Syslog(path, "timeslave", Clock.systemDefaultZone(), stderr);
        Syslog j = path.equals(JOURNAL) ? null : new Syslog(JOURNAL, "timeslave", Clock.systemDefaultZone(), stderr);
        return new FallbackSyslog(p, j, FILE, stderr, Clock.systemUTC(), stderrCopied);
    }

    /** Where messages go now: a socket or file path, or "standard error". */
    public synchronized String destination() {
        return current;
    }

    @Override
    public synchronized void send(Priority priority, String message) {
        String why = primary.trySend(priority, message);
        if (why == null) {
            if (!current.equals(primary.path().toString())) {
                current = primary.path().toString();
                say("syslog: messages go to " + current + " again", priority);
            }
            return;
        }
        if (journal != null && journal.trySend(priority, message) == null) {
            switchTo(journal.path().toString(), why, priority);
            return;
        }
        if (append(priority, message)) {
            switchTo(file.toString(), why, priority);
            return;
        }
        switchTo("standard error", why, priority);
        if (!stderrCopied) {
            stderr.println("timeslave: " + message);
            stderr.flush();
        }
    }

    private void switchTo(String dest, String why, Priority priority) {
        if (dest.equals(current)) {
            return;
        }
        current = dest;
        say("syslog: nothing listens at " + primary.path() + " (" + why + "); messages go to " + dest, priority);
    }

    /** One line on stderr and at the current place. */
    private void say(String line, Priority priority) {
        stderr.println("timeslave: " + line);
        stderr.flush();
        if (current.equals(primary.path().toString())) {
            primary.trySend(Priority.NOTICE, line);
        } else if (journal != null && current.equals(journal.path().toString())) {
            journal.trySend(Priority.NOTICE, line);
        } else if (current.equals(file.toString())) {
            append(Priority.NOTICE, line);
        }
    }

    private boolean append(Priority priority, String message) {
        String line = Instant.now(clock).truncatedTo(ChronoUnit.SECONDS) + " timeslave[" + pid + "]: "
                + priority.name().toLowerCase(java.util.Locale.ROOT) + ": " + message.replaceAll("[\\x00-\\x1f\\x7f]", "?") + "\n";
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }
}
