package timeslave.os;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import timeslave.log.Priority;

/**
 * Sends RFC 3164 lines ({@code <PRI>Mmm dd hh:mm:ss timeslave[pid]: message}, facility daemon) to a
 * syslog socket over an AF_UNIX datagram socket (the JDK has none). When nothing listens it says so
 * once on stderr and drops messages until a send succeeds again.
 */
public final class Syslog implements SyslogSink {
    /** RFC 3164 §4.1.1: facility 3 = system daemons; PRI = facility·8 + severity. */
    public static final int FACILITY_DAEMON = 3;
    /** RFC 3164 §4.1.3 TIMESTAMP: "Mmm dd hh:mm:ss", the day padded with a space, local time. */
    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT);
    /** RFC 3164 §4.1: a packet is at most 1024 bytes (longer lines are cut at a UTF-8 character boundary). */
    static final int MAX_PACKET_BYTES = 1024;

    private final Path path;
    private final String ident;
    private final long pid;
    private final Clock wallClock;
    private final PrintStream stderr;
    private int fd = -1;
    private boolean complained;

    /**
     * @param path      the syslog socket (--syslog, default /dev/log)
     * @param ident     the TAG, "timeslave"
     * @param wallClock local time for the TIMESTAMP field
     * @param stderr    where to say, once, that nothing listens
     */
    public Syslog(Path path, String ident, Clock wallClock, PrintStream stderr) {
        this.path = path;
        this.ident = ident;
        this.pid = ProcessHandle.current().pid();
        this.wallClock = wallClock;
        this.stderr = stderr;
    }

    /** One RFC 3164 line; control characters in the message become '?' so a line stays a line. */
    public static String format(int facility, Priority priority, ZonedDateTime time, String ident, long pid,
                                String message) {
        StringBuilder m = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char ch = message.charAt(i);
            m.append(ch < 0x20 || ch == 0x7f ? '?' : ch);
        }
        return "<" + (facility * 8 + priority.code) + ">" + TIMESTAMP.format(time) + " " + ident + "[" + pid + "]: " + m;
    }

    @Override
    public synchronized void send(Priority priority, String message) {
        String why = trySend(priority, message);
        if (why == null) {
            complained = false;
        } else {
            complainOnce(why.startsWith("syslog path") || why.startsWith("socket(") ? why
                    : "nothing listens at " + path + " (" + why + "); syslog messages are dropped");
        }
    }

    /** The socket this sends to. */
    public Path path() {
        return path;
    }

    /**
     * Sends one line; returns null when it went, else why not ("ENOENT (No such file or directory)",
     * or a whole sentence for a local problem). Says nothing itself.
     */
    public synchronized String trySend(Priority priority, String message) {
        byte[] line = format(FACILITY_DAEMON, priority, ZonedDateTime.now(wallClock), ident, pid, message)
                .getBytes(StandardCharsets.UTF_8);
        int len = Math.min(line.length, MAX_PACKET_BYTES);
        while (len < line.length && len > 0 && (line[len] & 0xC0) == 0x80) {
            len--;
        }
        byte[] target = path.toString().getBytes(StandardCharsets.UTF_8);
        if (target.length >= Libc.SockaddrUn.PATH_MAX) {
            return "syslog path " + path + " is too long for a unix socket";
        }
        if (fd < 0) {
            fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
            if (fd < 0) {
                return "socket(AF_UNIX): " + Libc.errnoText(com.sun.jna.Native.getLastError());
            }
        }
        Libc.SockaddrUn addr = new Libc.SockaddrUn(target);
        long r = Libc.sendto(fd, line, len, 0, addr, addr.size());
        return r < 0 ? Libc.errnoText(com.sun.jna.Native.getLastError()) : null;
    }

    private void complainOnce(String what) {
        if (!complained) {
            complained = true;
            stderr.println("timeslave: syslog: " + what);
        }
    }

    /** Closes the socket. */
    public synchronized void close() {
        if (fd >= 0) {
            Libc.close(fd);
            fd = -1;
        }
    }
}
