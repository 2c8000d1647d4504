package timeslave.ci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * .ci/install-deps changes the machine only as the README says: programs with services (chrony,
 * openbsd-inetd, adjtimex) are unpacked privately, never installed; apt installs only libraries.
 */
class InstallDepsTest {
    /** Packages whose installation removes another package or enables a service for the next boot. */
    static final List<String> NEVER_INSTALLED = List.of("chrony", "openbsd-inetd", "adjtimex", "prometheus",
            "daemontools-run", "ntp", "ntpsec", "openntpd", "systemd-timesyncd", "xinetd");

    static List<String> array(String script, String name) {
        int start = script.indexOf("\n" + name + "=(");
        assertTrue(start >= 0, "no array " + name + " in .ci/install-deps");
        String body = script.substring(script.indexOf('(', start) + 1, script.indexOf("\n)", start));
        List<String> words = new ArrayList<>();
        for (String line : body.split("\n")) {
            String w = line.replaceAll("#.*", "").strip();
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    static String script() throws IOException {
        return Files.readString(Path.of(".ci/install-deps"));
    }

    @Test
    void aptInstallsOnlyLibrariesAndOnlyAfterASimulationThatRemovesNothing() throws IOException {
        String s = script();
        for (String lib : array(s, "LIBS")) {
            assertTrue(lib.startsWith("lib"), "LIBS holds a non-library: " + lib);
            assertTrue(!NEVER_INSTALLED.contains(lib), lib);
        }
        List<String> installs = s.lines().filter(l -> l.matches("\\s*apt-get (-\\S+ )*install .*")).toList();
        assertEquals(1, installs.size(), "one real apt-get install: " + installs);
        assertTrue(installs.get(0).contains("\"${missing_libs[@]}\""), installs.get(0));
        assertTrue(s.indexOf("apt-get -s install") < s.indexOf(installs.get(0).strip()),
                "the install is simulated (and checked for removals) first");
        assertTrue(s.contains("grep '^Remv'"), "removals are looked for in the simulation");
    }

    @Test
    void serviceBearingProgramsAreUnpackedPrivately() throws IOException {
        String s = script();
        List<String> programs = array(s, "PROGRAMS");
        assertTrue(programs.containsAll(List.of("chrony", "openbsd-inetd", "adjtimex")), programs.toString());
        assertTrue(s.contains("apt-get download"), "programs are fetched, not installed");
        assertTrue(s.contains("dpkg-deb -x"), "programs are unpacked, not installed");
    }

    @Test
    void arrayParserReadsOneWordALineAndIgnoresComments() {
        assertEquals(List.of("a", "libb"), array("x\nLIBS=(\n  a  # why\n\n  libb\n)\n", "LIBS"));
    }
}
