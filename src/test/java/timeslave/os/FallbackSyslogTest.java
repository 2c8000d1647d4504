package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.log.Priority;

/** Nothing listening at the syslog socket: journald's socket, a file, or stderr, said once. */
class FallbackSyslogTest {
    @TempDir
    Path dir;

    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8);
    final Clock clock = Clock.fixed(Instant.parse("2026-12-06T00:30:01Z"), ZoneOffset.UTC);
    int bound = -1;

    @AfterEach
    void close() {
        if (bound >= 0) {
            Libc.close(bound);
        }
    }

    private Syslog syslog(Path p) {
        return new Syslog(p, "timeslave", clock, stderr);
    }

    private void bind(Path p) {
        bound = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        Libc.SockaddrUn a = new Libc.SockaddrUn(p.toString().getBytes(StandardCharsets.UTF_8));
        assertEquals(0, Libc.bind(bound, a, a.size()));
    }

    private String receive() {
        byte[] buf = new byte[1024];
        long n = Libc.recv(bound, buf, buf.length, Libc.MSG_DONTWAIT);
        return n < 0 ? null : new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    @Test
    void journaldsSocketIsUsedAndTheSwitchIsSaidOnce() {
        Path journal = dir.resolve("journal");
        bind(journal);
        FallbackSyslog s = new FallbackSyslog(syslog(dir.resolve("devlog")), syslog(journal), dir.resolve("log"), stderr,
                clock, false);
        s.send(Priority.NOTICE, "timeslave 0.1.0 started");
        s.send(Priority.INFO, "offset +0.000001 s");
        assertEquals(journal.toString(), s.destination());
        assertTrue(receive().endsWith("timeslave[" + ProcessHandle.current().pid() + "]: timeslave 0.1.0 started"));
        assertTrue(receive().endsWith(": syslog: nothing listens at " + dir.resolve("devlog")
                + " (ENOENT (No such file or directory)); messages go to " + journal));
        assertTrue(receive().endsWith(": offset +0.000001 s"));
        assertEquals("timeslave: syslog: nothing listens at " + dir.resolve("devlog")
                + " (ENOENT (No such file or directory)); messages go to " + journal + "\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutAnySocketAFileKeepsTheMessages() throws Exception {
        Path file = dir.resolve("timeslave.log");
        FallbackSyslog s = new FallbackSyslog(syslog(dir.resolve("devlog")), syslog(dir.resolve("journal")), file, stderr,
                clock, false);
        s.send(Priority.ERR, "cannot open x: no reply");
        String pid = Long.toString(ProcessHandle.current().pid());
        assertEquals("2026-12-06T00:30:01Z timeslave[" + pid + "]: err: cannot open x: no reply\n"
                + "2026-12-06T00:30:01Z timeslave[" + pid + "]: notice: syslog: nothing listens at " + dir.resolve("devlog")
                + " (ENOENT (No such file or directory)); messages go to " + file + "\n", Files.readString(file));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("messages go to " + file), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void lastlyStandardErrorAndBackToSyslogWhenItListensAgain() {
        Path devlog = dir.resolve("devlog");
        FallbackSyslog s = new FallbackSyslog(syslog(devlog), null, dir.resolve("no/such/dir/log"), stderr, clock, false);
        s.send(Priority.NOTICE, "first");
        assertEquals("standard error", s.destination());
        bind(devlog);
        s.send(Priority.NOTICE, "second");
        assertEquals(devlog.toString(), s.destination());
        assertTrue(receive().endsWith(": second"));
        assertTrue(receive().endsWith(": syslog: messages go to " + devlog + " again"));
        assertEquals("timeslave: syslog: nothing listens at " + devlog + " (ENOENT (No such file or directory)); messages go to"
                + " standard error\ntimeslave: first\ntimeslave: syslog: messages go to " + devlog + " again\n",
                err.toString(StandardCharsets.UTF_8));
    }
}
