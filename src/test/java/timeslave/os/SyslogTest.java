package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.log.Priority;

class SyslogTest {
    @TempDir
    Path dir;

    private int receiver = -1;

    /** Binds an AF_UNIX datagram socket at {@code path}, as a syslog daemon would. */
    private void listen(Path path) {
        receiver = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        assertTrue(receiver >= 0);
        Libc.SockaddrUn addr = new Libc.SockaddrUn(path.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(0, Libc.bind(receiver, addr, addr.size()), "bind " + path);
    }

    /** The next datagram, without waiting (the send is synchronous on AF_UNIX), or null. */
    private String receive() {
        byte[] buf = new byte[4096];
        long n = Libc.recv(receiver, buf, buf.length, Libc.MSG_DONTWAIT);
        return n < 0 ? null : new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    @AfterEach
    void close() {
        if (receiver >= 0) {
            Libc.close(receiver);
        }
    }

    @Test
    void formatIsRfc3164() {
        ZonedDateTime t = ZonedDateTime.of(2026, 11, 1, 5, 4, 3, 999_000_000, ZoneOffset.UTC);
        assertEquals("<29>Nov  1 05:04:03 timeslave[42]: date changed from 11/01/26 05:04:01",
                Syslog.format(3, Priority.NOTICE, t, "timeslave", 42, "date changed from 11/01/26 05:04:01"));
        ZonedDateTime u = ZonedDateTime.of(2026, 1, 21, 23, 59, 59, 0, ZoneOffset.UTC);
        assertEquals("<31>Jan 21 23:59:59 timeslave[7]: a?b", Syslog.format(3, Priority.DEBUG, u, "timeslave", 7, "a\nb"));
        assertEquals("<27>", Syslog.format(3, Priority.ERR, u, "t", 1, "").substring(0, 4));
    }

    @Test
    void linesArriveAtTheSocket() {
        Path sock = dir.resolve("log");
        listen(sock);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Clock fixed = Clock.fixed(Instant.parse("2026-11-21T05:00:07Z"), ZoneId.of("UTC"));
        Syslog syslog = new Syslog(sock, "timeslave", fixed, new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            syslog.send(Priority.NOTICE, "timeslave 0.1.0 started: -H m");
            syslog.send(Priority.ERR, "cannot open /dev/ttyd9: no such file");
        } finally {
            syslog.close();
        }
        long pid = ProcessHandle.current().pid();
        assertEquals("<29>Nov 21 05:00:07 timeslave[" + pid + "]: timeslave 0.1.0 started: -H m", receive());
        assertEquals("<27>Nov 21 05:00:07 timeslave[" + pid + "]: cannot open /dev/ttyd9: no such file", receive());
        assertEquals(null, receive());
        assertEquals("", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void longMessagesAreCutAt1024Bytes() {
        Path sock = dir.resolve("log");
        listen(sock);
        Syslog syslog = new Syslog(sock, "timeslave", Clock.systemUTC(), System.err);
        try {
            syslog.send(Priority.INFO, "x".repeat(5000));
        } finally {
            syslog.close();
        }
        assertEquals(Syslog.MAX_PACKET_BYTES, receive().length());
    }

    @Test
    void cuttingNeverSplitsAUtf8Character() {
        Path sock = dir.resolve("log");
        listen(sock);
        Syslog syslog = new Syslog(sock, "timeslave", Clock.systemUTC(), System.err);
        try {
            syslog.send(Priority.INFO, "\u00b5".repeat(2000));
        } finally {
            syslog.close();
        }
        String got = receive();
        assertTrue(got.endsWith("\u00b5"), "ends on a whole character");
        assertTrue(got.getBytes(StandardCharsets.UTF_8).length <= Syslog.MAX_PACKET_BYTES);
        assertTrue(got.getBytes(StandardCharsets.UTF_8).length >= Syslog.MAX_PACKET_BYTES - 1);
    }

    @Test
    void nothingListeningIsSaidOnceThenSendsGoOn() {
        Path sock = dir.resolve("absent");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Syslog syslog = new Syslog(sock, "timeslave", Clock.systemUTC(), new PrintStream(err, true,
                StandardCharsets.UTF_8));
        try {
            syslog.send(Priority.ERR, "one");
            syslog.send(Priority.ERR, "two");
            assertEquals("timeslave: syslog: nothing listens at " + sock
                    + " (ENOENT (No such file or directory)); syslog messages are dropped\n",
                    err.toString(StandardCharsets.UTF_8));
            listen(sock);
            syslog.send(Priority.ERR, "three");
            assertTrue(Pattern.matches("<27>... .. ..:..:.. timeslave\\[[0-9]+\\]: three", receive()));
        } finally {
            syslog.close();
        }
    }
}
