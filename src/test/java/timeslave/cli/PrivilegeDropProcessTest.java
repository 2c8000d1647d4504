package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import timeslave.os.Privileges;
import timeslave.os.ThreadCredentials;

/**
 * Issue 9 item 6: the real daemon started as root (-B -m, clock writes forbidden) with -u nobody
 * opens the raw ICMP socket as root, then every one of its threads runs as nobody; the thread that
 * runs the loop keeps only CAP_SYS_TIME, every other thread keeps nothing; and it still measures.
 */
class PrivilegeDropProcessTest {
    private static final int NOBODY = 65534;

    @Test
    @Timeout(120)
    void rootDaemonBecomesNobodyInEveryThreadKeepingOnlySysTime() throws Exception {
        assumeTrue(new com.sun.security.auth.module.UnixSystem().getUid() == 0, "needs root: the test starts the daemon as root");
        assumeTrue(Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith("nobody:x:" + NOBODY + ":")),
                "needs user nobody with uid " + NOBODY);
        try (TimeslaveProcess daemon = TimeslaveProcess.start(List.of("-B", "-m", "-d", "-u", "nobody",
                "-H", "127.0.0.1", "-r", "5", "-w", "0.2", "-W", "0.5", "--syslog", "none"))) {
            String line = daemon.next("running as user", 60);
            assertTrue(line.matches("timeslave: running as user nobody \\(uid 65534, gid \\d+\\) keeping cap_sys_time"
                    + " \\(\\d+ threads checked\\)"), line);
            // The raw ICMP socket, opened as root, still measures after the switch.
            daemon.next("sample offset", 60);
            Map<Long, String> tasks = statuses(daemon.pid());
            assertTrue(tasks.size() > 5, "a JVM has many threads: " + tasks.keySet());
            int holders = 0;
            for (Map.Entry<Long, String> t : tasks.entrySet()) {
                String s = t.getValue();
                ThreadCredentials c = ThreadCredentials.parse(s);
                String where = "thread " + t.getKey() + ":\n" + s;
                for (int i = 0; i < 4; i++) {
                    assertEquals(NOBODY, c.uids()[i], where);
                }
                int gid = c.gids()[0];
                assertTrue(gid != 0 && c.gids()[1] == gid && c.gids()[2] == gid && c.gids()[3] == gid, where);
                String groups = field(s, "Groups");
                assertTrue(!groups.matches("(.*\\s)?0(\\s.*)?"), "no group root: " + where);
                assertEquals(0, c.inheritable(), where);
                assertEquals(0, c.permitted() & ~Privileges.KEEP, where);
                assertEquals(0, c.effective() & ~Privileges.KEEP, where);
                if (c.permitted() == Privileges.KEEP) {
                    holders++;
                    assertEquals(Privileges.KEEP, c.effective(), where);
                    assertEquals(Privileges.KEEP, c.bounding(), "the holder's bounding set is cap_sys_time alone: " + where);
                    assertEquals("1", field(s, "NoNewPrivs"), where);
                }
            }
            assertEquals(1, holders, "exactly one thread (the loop's) keeps cap_sys_time");
            // The process as a whole, as ps and /proc/PID/status show it.
            ThreadCredentials whole = ThreadCredentials.parse(Files.readString(Path.of("/proc/" + daemon.pid() + "/status")));
            assertEquals(NOBODY, whole.uids()[1]);
            daemon.signal("TERM");
            daemon.next("stopped by SIGTERM", 30);
            assertEquals(0, daemon.waitFor(30));
        }
    }

    @Test
    @Timeout(60)
    void aUserThatDoesNotExistIsAUsageError() throws Exception {
        TimeslaveProcess.Result r = TimeslaveProcess.run(List.of("-B", "-m", "-u", "no-such-user-t9", "-H", "127.0.0.1",
                "--syslog", "none"));
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("timeslave: -u no-such-user-t9: no such user"), r.err());
    }

    private static Map<Long, String> statuses(long pid) throws IOException {
        Map<Long, String> m = new TreeMap<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : d) {
                try {
                    m.put(Long.parseLong(t.getFileName().toString()),
                            Files.readString(t.resolve("status"), StandardCharsets.US_ASCII));
                } catch (NoSuchFileException gone) {
                    // a thread that ended meanwhile
                }
            }
        }
        return m;
    }

    private static String field(String status, String key) {
        return status.lines().filter(l -> l.startsWith(key + ":")).findFirst()
                .map(l -> l.substring(key.length() + 1).trim()).orElseThrow(() -> new AssertionError("no " + key + ":\n" + status));
    }
}
