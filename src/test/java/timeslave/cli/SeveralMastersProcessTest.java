package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.cli.TimeslaveProcess.Result;
import timeslave.ref.ExternalServer;

/**
 * Several masters as processes: three chronyd -x servers under libfaketime, two at +2.5 s and one
 * at +4 s; timeslave must follow the two that agree and call the third a falseticker.
 */
class SeveralMastersProcessTest {
    /** The interop tolerance of the other process tests. */
    private static final double TOLERANCE_SECONDS = 0.001;
    /** libfaketime offsets: two honest (agreeing) servers and one falseticker. */
    private static final List<String> FAKETIMES = List.of("+2.5", "+2.5", "+4");

    @TempDir
    Path dir;
    private final List<ExternalServer> servers = new ArrayList<>();
    private final List<String> names = new ArrayList<>();

    @BeforeEach
    void startChronyds() throws Exception {
        for (int i = 0; i < FAKETIMES.size(); i++) {
            Path d = Files.createDirectory(dir.resolve("chronyd" + i));
            int port = ExternalServer.freeUdpPort();
            servers.add(ExternalServer.chronyd(d, port, FAKETIMES.get(i)));
            names.add("sntp:127.0.0.1:" + port);
        }
    }

    @AfterEach
    void stopChronyds() {
        servers.forEach(ExternalServer::close);
    }

    private List<String> args(String... more) {
        List<String> a = new ArrayList<>(List.of(more));
        for (String n : names) {
            a.add("-H");
            a.add(n);
        }
        return a;
    }

    @Test
    @Timeout(120)
    void onceWithThreeMastersReportsTheTwoThatAgree() throws Exception {
        Result r = null;
        for (int i = 0; i < 10; i++) {   // each chronyd takes a moment to bind
            r = TimeslaveProcess.run(args("--once", "-w", "0.5"));
            if (r.status() == 0 && r.out().strip().lines().count() == 4) {
                break;
            }
            servers.forEach(s -> assertTrue(s.alive(), "chronyd exited: " + s.output()));
        }
        List<String> lines = r.out().strip().lines().toList();
        assertEquals(4, lines.size(), "stdout [" + r.out() + "], stderr [" + r.err() + "]");
        for (int i = 0; i < 3; i++) {
            Matcher m = TimeslaveProcess.ONCE_LINE.matcher(lines.get(i));
            assertTrue(m.matches(), lines.get(i));
            assertEquals(names.get(i), m.group(4));
        }
        Matcher m = TimeslaveProcess.ONCE_LINE.matcher(lines.get(3));
        assertTrue(m.matches(), lines.get(3));
        assertEquals(2.5, Double.parseDouble(m.group(1)), TOLERANCE_SECONDS, r.out());
        assertEquals(names.get(0) + "+" + names.get(1), m.group(4));
        assertTrue(r.err().matches("timeslave: " + names.get(2) + ": falseticker: offset \\+(3\\.99|4\\.00)\\d+ s outside"
                + " the agreed \\[\\+2\\.(49|50)\\d+, \\+2\\.(49|50)\\d+\\] s\n"), r.err());
    }

    @Test
    @Timeout(180)
    void daemonLogsTheFalsetickerOnce() throws Exception {
        try (TimeslaveProcess daemon = TimeslaveProcess.start(args("-B", "-m", "-d", "-r", "5", "-w", "0.3",
                "-t", "2", "-T", "4", "--syslog", "none"))) {
            String start = daemon.next(" started: ", 30);
            assertTrue(start.contains(" started: -H " + String.join(" -H ", names) + " -p "), start);
            String line = daemon.next("master " + names.get(2) + " falseticker: offset ", 60);
            assertTrue(line.matches(".* falseticker: offset \\+(3\\.99|4\\.00)\\d+ s outside the agreed \\[.*\\] s"), line);
            for (int i = 0; i < 3; i++) {
                Matcher m = TimeslaveProcess.SAMPLE_LINE.matcher(daemon.next("sample offset", 60));
                assertTrue(m.find() && Math.abs(Double.parseDouble(m.group(1)) - 2.5) < TOLERANCE_SECONDS, daemon.seen());
            }
            daemon.signal("TERM");
            daemon.next("stopped by SIGTERM", 30);
            assertEquals(0, daemon.waitFor(30));
            assertEquals(1, daemon.seen().lines().filter(l -> l.contains(" falseticker: ")).count(), daemon.seen());
            assertEquals(0, daemon.seen().lines().filter(l -> l.contains(" unreachable")).count(), daemon.seen());
        }
    }
}
