package timeslave.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.pkg.DebianPackageIT.Out;
import timeslave.ref.ExternalServer;

/**
 * bin/timeslave-conf's service directory run by Debian's real daemontools (svscan, supervise,
 * multilog, setuidgid) as nobody with -m against chronyd -x on loopback; the log is read back.
 */
class DaemontoolsIT {
    static final String SVSCAN = ExternalServer.program("/usr/bin/svscan");
    static final String SVC = ExternalServer.program("/usr/bin/svc");

    @TempDir
    Path dir;

    @Test
    void confRefusesWhatItCannotDo() throws Exception {
        Out unknown = DebianPackageIT.run(List.of("bin/timeslave-conf", "client", "no-such-user-xyz", "nobody",
                dir.resolve("s").toString(), "-H", "m"));
        assertEquals(111, unknown.status());
        assertEquals("timeslave-conf: fatal: unknown account no-such-user-xyz\n", unknown.text());
        Files.createDirectory(dir.resolve("exists"));
        Out exists = DebianPackageIT.run(List.of("bin/timeslave-conf", "client", "root", "nobody",
                dir.resolve("exists").toString(), "-H", "m"));
        assertEquals("timeslave-conf: fatal: " + dir.resolve("exists") + " already exists; remove it or choose another directory\n",
                exists.text());
        assertEquals(100, DebianPackageIT.run(List.of("bin/timeslave-conf", "client", "root")).status());
        Out warn = DebianPackageIT.run(List.of("bin/timeslave-conf", "client", "nobody", "nobody",
                dir.resolve("w").toString(), "-H", "m"));
        assertEquals(0, warn.status(), warn.text());
        assertTrue(warn.text().contains("warning: nobody is not root: the daemon cannot adjust the clock; add -m"), warn.text());
    }

    @Test
    void generatedDirectoryHasRunLogAndOwners() throws Exception {
        Path svc = dir.resolve("svc");
        Path state = dir.resolve("state/timeslave");
        Out made = DebianPackageIT.run(List.of("bin/timeslave-conf", "client", "root", "nobody", svc.toString(),
                "-H", "sntp:ntp1", "-P", state.resolve("timetrim").toString()));
        assertEquals(0, made.status(), made.text());
        assertTrue(Files.isExecutable(svc.resolve("run")) && Files.isExecutable(svc.resolve("log/run")));
        String run = Files.readString(svc.resolve("run"));
        assertTrue(run.contains("\nexec " + Path.of("bin/timeslave").toAbsolutePath() + " -B --syslog none --options ./options\n"), run);
        assertTrue(Files.readString(svc.resolve("log/run")).contains("exec setuidgid nobody multilog t s1000000 n10 ./main"));
        assertEquals("nobody", Files.getOwner(svc.resolve("log/main")).getName());
        assertTrue(Files.isDirectory(state), "the -P directory is made");
        assertTrue(Files.readString(svc.resolve("options")).contains("-H sntp:ntp1 -P " + state.resolve("timetrim")));
    }

    @Test
    @Timeout(150)
    void aGeneratedServiceRunsUnderSvscanAndLogsThroughMultilog() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(SVSCAN)) && Files.isExecutable(Path.of(SVC)),
                "daemontools (svscan, svc) is not installed; skipping");
        Assumptions.assumeTrue(System.getProperty("user.name").equals("root"), "svscan runs setuidgid: needs root");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path cd = Files.createDirectory(dir.resolve("chronyd"));
        int port = ExternalServer.freeUdpPort();
        try (ExternalServer chronyd = ExternalServer.chronyd(cd, port, null)) {
            Path services = Files.createDirectory(dir.resolve("service"));
            Path svc = services.resolve("timeslave");
            Out made = DebianPackageIT.run(List.of("bin/timeslave-conf", "client", "nobody", "nobody", svc.toString(),
                    "-m", "-r", "5", "-H", "sntp:127.0.0.1:" + port));
            assertEquals(0, made.status(), made.text());
            // svscan finds supervise, and run scripts setuidgid and multilog, on PATH: the unpacked copies first
            String path = Path.of(SVSCAN).getParent() + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
            ExternalServer svscan = ExternalServer.start(Files.createDirectory(dir.resolve("svscan")),
                    Map.of("TIMESLAVE_FORBID_CLOCK_WRITES", "1", "PATH", path), List.of(SVSCAN, services.toString()));
            Path current = svc.resolve("log/main/current");
            String log = "";
            try {
                for (int i = 0; i < 120 && !log.contains(" offset "); i++) {
                    Thread.sleep(1_000);
                    log = Files.exists(current) ? Files.readString(current) : "";
                }
            } finally {
                DebianPackageIT.run(List.of(SVC, "-dx", svc.toString(), svc.resolve("log").toString()));
                for (int i = 0; i < 50 && (Files.exists(svc.resolve("supervise/lock")) && supervised(svc)); i++) {
                    Thread.sleep(100);
                }
                svscan.close();
            }
            System.out.println("multilog current:\n" + log);
            assertTrue(log.lines().anyMatch(l -> l.matches("@4000[0-9a-f]{20} \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ timeslave: timeslave .* started: -H sntp:127\\.0\\.0\\.1:"
                    + port + " .* -m -B -r 5 .*--control " + svc + "/control/timeslave\\.sock.*")), log);
            assertTrue(log.lines().anyMatch(l -> l.matches("@4000[0-9a-f]{20} \\S+Z timeslave: offset [+-]0\\.0000\\d+ s delay .*")), log);
            assertEquals("nobody", Files.getOwner(current).getName(), "multilog ran as the log account");
        }
    }

    /** Whether supervise still holds the service (svok). */
    private static boolean supervised(Path svc) throws Exception {
        return DebianPackageIT.run(List.of(ExternalServer.program("/usr/bin/svok"), svc.toString())).status() == 0;
    }
}
