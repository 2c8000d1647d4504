package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.ref.ExternalServer;

/** The real daemon process in the foreground (-B -m) against loopback masters. */
class DaemonProcessTest {

    /** A -B line without its UTC timestamp (ops12: "2026-12-06T00:30:01Z timeslave: ..."). */
    static String unstamped(String line) {
        return line.replaceFirst("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ ", "");
    }

    @Test
    @Timeout(120)
    void foregroundDaemonChangesDebugLevelOnSignalsAndStopsCleanly() throws Exception {
        try (TimeslaveProcess daemon = TimeslaveProcess.start(List.of("-B", "-m", "-H", "127.0.0.1",
                "-r", "5", "-w", "0.2", "-W", "0.5", "--syslog", "none"))) {
            String start = unstamped(daemon.next(" started: ", 30));
            assertTrue(start.startsWith("timeslave: timeslave ") && start.contains(" started: -H 127.0.0.1 "), start);
            daemon.signal("USR1");
            assertEquals("timeslave: debugging increased to 1", unstamped(daemon.next("debugging increased", 30)));
            daemon.signal("USR1");
            assertEquals("timeslave: debugging increased to 2", unstamped(daemon.next("debugging increased", 30)));
            daemon.signal("USR2");
            assertEquals("timeslave: debugging decreased to 1", unstamped(daemon.next("debugging decreased", 30)));
            daemon.signal("TERM");
            assertEquals("timeslave: stopped by SIGTERM", unstamped(daemon.next("stopped by", 30)));
            assertEquals(0, daemon.waitFor(30));
        }
    }

    /**
     * Issue 3: -B -m -d against chronyd logs each measurement; a dead server gives exactly one
     * "unreachable" line, its return one "back", and measuring resumes.
     */
    @Test
    @Timeout(180)
    void deadMasterIsLoggedOnceAndItsReturnOnce(@TempDir Path dir) throws Exception {
        int port = ExternalServer.freeUdpPort();
        String name = "sntp:127.0.0.1:" + port;
        ExternalServer chronyd = ExternalServer.chronyd(dir, port, null);
        try (TimeslaveProcess daemon = TimeslaveProcess.start(List.of("-B", "-m", "-d", "-H", name,
                "-r", "5", "-w", "0.3", "-t", "2", "-T", "4", "--syslog", "none"))) {
            daemon.next(" started: ", 30);
            for (int i = 0; i < 2; i++) {
                Matcher m = TimeslaveProcess.SAMPLE_LINE.matcher(daemon.next("sample offset", 60));
                assertTrue(m.find() && Math.abs(Double.parseDouble(m.group(1))) < 0.001, daemon.seen());
            }
            chronyd.close();
            daemon.next("master " + name + " unreachable", 60);
            daemon.next("master " + name + ": ", 30);   // the next failure only at debug level
            chronyd = ExternalServer.chronyd(dir, port, null);
            daemon.next("master " + name + " back", 60);
            daemon.next("sample offset", 30);
            daemon.signal("TERM");
            daemon.next("stopped by SIGTERM", 30);
            assertEquals(0, daemon.waitFor(30));
            // one "master ... unreachable" line; with -d each failure's own line ("port unreachable: ...",
            // the closed port's ICMP answer) shows too
            assertEquals(1, daemon.seen().lines().filter(l -> l.contains("master " + name + " unreachable")).count(),
                    daemon.seen());
            assertEquals(1, daemon.seen().lines().filter(l -> l.contains(name + " back")).count(), daemon.seen());
        } finally {
            chronyd.close();
        }
    }
}
