package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ops12: the launchers for a system user whose HOME cannot be written, and the repository's files
 * naming only files it has.
 */
class LauncherHomeTest {
    @TempDir
    Path dir;

    @Test
    void aHomeThatCannotBeWrittenFallsBackToAPrivateTmpDirectory() throws Exception {
        Path classes = Path.of(FakeDaemon.class.getProtectionDomain().getCodeSource().getLocation().getPath());
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeDaemon.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
        Path home = Files.createDirectories(dir.resolve("home"));
        try (OutputStream o = Files.newOutputStream(home.resolve("timeslave.jar")); JarOutputStream j = new JarOutputStream(o, m)) {
            j.flush();
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of("bin/timeslave").toAbsolutePath().toString(), "-B", "-H", "m");
        pb.environment().remove("TIMESLAVE_NATIVE_DIR");
        pb.environment().remove("XDG_RUNTIME_DIR");
        // even root cannot make a directory under /proc: as /nonexistent for a system user
        pb.environment().put("HOME", "/proc/nonexistent");
        pb.environment().put("TMPDIR", dir.toString());
        pb.environment().put("TIMESLAVE_HOME", home.toString());
        pb.environment().put("FAKE_DAEMON_REPORT", dir.resolve("report").toString());
        pb.environment().put("FAKE_DAEMON_FAIL", "1");
        pb.redirectErrorStream(true).redirectOutput(dir.resolve("out").toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = Files.readString(dir.resolve("out"));
        assertFalse(out.contains("mkdir"), out);
        assertEquals("timeslave: cannot open nowhere: unknown host\n", out, "the daemon ran and spoke for itself");
        assertTrue(Files.exists(dir.resolve("report")), "the daemon was started");
        long uid = (Integer) Files.getAttribute(dir, "unix:uid");
        Path nativeDir = dir.resolve("timeslave-native-" + new ProcessBuilder("id", "-u").start().inputReader().readLine().strip());
        assertTrue(Files.isDirectory(nativeDir), "native libraries go to " + nativeDir + " (uid " + uid + ")");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(nativeDir)));
    }

    @Test
    void noFileNamesANotesFileThatIsNotInTheRepository() throws Exception {
        List<Path> roots = List.of(Path.of("bin"), Path.of("man"), Path.of("etc"), Path.of("src/main"), Path.of("scripts"),
                Path.of("pom.xml"), Path.of("README.md"));
        for (Path r : roots) {
            if (!Files.exists(r)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(r)) {
                for (Path f : s.filter(Files::isRegularFile).toList()) {
                    String text = new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1);
                    assertFalse(text.contains("JAVA-NOTES.md"), f + " names JAVA-NOTES.md, which is not in the repository");
                    assertFalse(text.contains("../shared"), f + " sends the reader outside the repository");
                }
            }
        }
    }

    /** The manual's -H paragraph read "at most 8 masters in all (at most 8 masters (-H and -C together), not n)". */
    @Test
    void theManualsHParagraphSaysTheLimitOnce() throws Exception {
        String man = Files.readString(Path.of("man/timeslave.1m"));
        int h = man.indexOf(".BI \\-H \" netmaster\"");
        assertTrue(h >= 0);
        String para = man.substring(h, man.indexOf(".TP", h + 1));
        assertEquals(1, para.split("at most 8 masters", -1).length - 1, para);
    }
}
