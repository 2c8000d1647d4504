package timeslave.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Debian package Maven built (target/timeslave_VERSION_all.deb): its contents and control
 * fields through dpkg-deb, then unpacked into a temp dir (dpkg-deb -x, nothing installed) where
 * its own launcher runs, and its systemd unit checked by systemd-analyze verify.
 */
class DebianPackageIT {
    @TempDir
    Path dir;

    record Out(int status, String text) {
    }

    static Out run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(cmd + " did not end within 60 s");
        }
        return new Out(p.exitValue(), text);
    }

    static Path deb() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/dpkg-deb")), "dpkg-deb is missing");
        try (var l = Files.list(Path.of("target"))) {
            return l.filter(p -> p.getFileName().toString().matches("timeslave_.*_all\\.deb")).findFirst()
                    .orElseThrow(() -> new AssertionError("no target/timeslave_*_all.deb: run mvn package"));
        }
    }

    @Test
    void filesAreInDebiansPlaces() throws Exception {
        Out c = run(List.of("dpkg-deb", "-c", deb().toString()));
        assertEquals(0, c.status(), c.text());
        List<String> paths = new ArrayList<>();
        for (String line : c.text().split("\n")) {
            String[] w = line.trim().split("\\s+");
            paths.add(w[w.length - 1] + " " + w[0]);
        }
        for (String want : List.of("./usr/share/timeslave/timeslave.jar -rw-r--r--",
                "./usr/share/timeslave/lib/jna-5.19.1.jar -rw-r--r--",
                "./usr/sbin/timeslave -rwxr-xr-x", "./usr/sbin/timeslave-conf -rwxr-xr-x",
                "./usr/bin/timeslave-ctl -rwxr-xr-x", "./usr/bin/timeslave-plot -rwxr-xr-x",
                "./usr/share/man/man8/timeslave.8 -rw-r--r--", "./usr/share/man/man8/timeslave-ctl.8 -rw-r--r--",
                "./usr/share/man/man8/timeslave-conf.8 -rw-r--r--", "./usr/share/man/man1/timeslave-plot.1 -rw-r--r--",
                "./usr/share/man/man5/timeslave-scenario.5 -rw-r--r--",
                "./usr/share/timeslave/scenarios/path100-adaptive.scenario -rw-r--r--",
                "./usr/share/timeslave/scenarios/benchmark.list -rw-r--r--",
                "./lib/systemd/system/timeslave.service -rw-r--r--",
                "./etc/timeslave/timeslave.options -rw-r--r--", "./etc/timeslave/leap-seconds.list -rw-r--r--",
                "./var/lib/timeslave/ drwxr-xr-x")) {
            assertTrue(paths.contains(want), want + " not in:\n" + c.text());
        }
        assertTrue(c.text().lines().allMatch(l -> l.contains(" root/root ")), "every file belongs to root");
    }

    @Test
    void controlFieldsDependOnAJava17Runtime() throws Exception {
        Path d = deb();
        Out i = run(List.of("dpkg-deb", "-I", d.toString()));
        assertEquals(0, i.status(), i.text());
        assertTrue(i.text().contains(" Package: timeslave\n"), i.text());
        assertTrue(i.text().contains(" Architecture: all\n"), i.text());
        assertTrue(i.text().contains(" Depends: default-jre-headless (>= 2:1.17) | java17-runtime-headless, adduser\n"), i.text());
        Out conf = run(List.of("dpkg-deb", "-f", d.toString(), "Version"));
        assertTrue(conf.text().strip().matches("[0-9][0-9.]*(-SNAPSHOT)?|[0-9][0-9.~a-z]*"), conf.text());
        Path ctl = Files.createDirectory(dir.resolve("control"));
        assertEquals(0, run(List.of("dpkg-deb", "-e", d.toString(), ctl.toString())).status());
        assertEquals(List.of("/etc/timeslave/timeslave.options", "/etc/timeslave/leap-seconds.list"),
                Files.readAllLines(ctl.resolve("conffiles")));
        String postinst = Files.readString(ctl.resolve("postinst"));
        assertTrue(postinst.contains("addgroup --system --quiet timeslave"), postinst);
        assertTrue(!postinst.contains("systemctl") && !postinst.contains("deb-systemd"), "the service is not enabled");
    }

    @Test
    void theUnpackedLauncherFindsItsJarAndPrintsTheVersion() throws Exception {
        Path root = dir.resolve("root");
        assertEquals(0, run(List.of("dpkg-deb", "-x", deb().toString(), root.toString())).status());
        Out v = run(List.of(root.resolve("usr/sbin/timeslave").toString(), "--version"));
        assertEquals(0, v.status(), v.text());
        assertTrue(v.text().matches("timeslave [0-9][^\n]*\n"), v.text());
        assertTrue(!v.text().contains("development build"), "the jar's manifest carries the version");
        Out ctl = run(List.of(root.resolve("usr/bin/timeslave-ctl").toString(), "--control",
                dir.resolve("none.sock").toString(), "tracking"));
        assertEquals(1, ctl.status());
        assertTrue(ctl.text().startsWith("timeslave-ctl: " + dir.resolve("none.sock") + ": no such socket"), ctl.text());
    }

    @Test
    void theUnitVerifiesCleanWithThePackagesPaths() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/systemd-analyze")), "systemd-analyze is missing");
        Path root = dir.resolve("root");
        assertEquals(0, run(List.of("dpkg-deb", "-x", deb().toString(), root.toString())).status());
        String unit = Files.readString(root.resolve("lib/systemd/system/timeslave.service"));
        assertTrue(unit.contains("\nExecStart=/usr/sbin/timeslave -B --options /etc/timeslave/timeslave.options\n"), unit);
        assertTrue(unit.contains("\nType=notify\n"), unit);
        assertTrue(unit.contains("\nWants=network-online.target time-sync.target\n"), unit);
        assertTrue(unit.contains("\nBefore=time-sync.target\n"), unit);
        assertTrue(unit.contains("\nEnvironment=TIMESLAVE_HOME=/usr/share/timeslave\n"), unit);
        assertTrue(Files.isExecutable(root.resolve("usr/sbin/timeslave")));
        // verify resolves ExecStart on this machine, where the package is not installed: point it
        // at the unpacked copy of the same launcher
        Path copy = Files.createDirectory(dir.resolve("unit")).resolve("timeslave.service");
        Files.writeString(copy, unit.replace("ExecStart=/usr/sbin/timeslave", "ExecStart=" + root.resolve("usr/sbin/timeslave")));
        Out v = run(List.of("systemd-analyze", "verify", "--man=no", copy.toString()));
        assertEquals(0, v.status(), v.text());
        assertEquals("", v.text(), "systemd-analyze verify has nothing to say");
    }
}
