package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The shipped example files say what the parser accepts. */
class EtcFilesTest {
    private static Options parse(Path optionsFile, String... args) throws UsageException {
        OptionsParser p = new OptionsParser(optionsFile, n -> OptionalInt.of(37), Path.of(""));
        return ((Invocation.Run) p.parse(List.of(args))).options();
    }

    @Test
    void exampleOptionsFileParses() throws UsageException {
        Options o = parse(Path.of("etc/timeslave.options"), "-B");
        assertEquals("netmaster", o.master());
        assertEquals(Optional.of(Path.of("/var/lib/timeslave/timetrim")), o.timetrimFile());
    }

    /** Each commented example ("#-r 600 --max-rate 90d", text after two blanks aside) parses when uncommented. */
    @Test
    void commentedExamplesInTheOptionsFileParse(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        int examples = 0;
        String shown = "";
        for (String line : Files.readAllLines(Path.of("etc/timeslave.options"))) {
            if (!line.startsWith("#-")) {
                continue;
            }
            String words = line.substring(1).split("  ")[0];
            shown += words + " ";
            Path file = dir.resolve("example" + examples++);
            Files.writeString(file, words.contains("-H") || words.contains("-C") ? words : "-H netmaster " + words);
            try {
                parse(file, "-B");
            } catch (UsageException e) {
                throw new AssertionError("etc/timeslave.options example '" + words + "': " + e.getMessage(), e);
            }
        }
        for (String opt : List.of("-r ", "--max-rate ", "--leap ", "--leap-seconds ", "-C ")) {
            assertTrue(shown.contains(opt), "etc/timeslave.options has no example of " + opt);
        }
        assertTrue(shown.matches(".*-H \\S+ -H .*"), "etc/timeslave.options has no example of several masters");
    }

    @Test
    void daemontoolsRunLineParses() throws Exception {
        String run = Files.readString(Path.of("etc/daemontools/timeslave/run"));
        assertTrue(run.contains("exec /usr/local/bin/timeslave -B --syslog none --options ./options\n"));
        Options o = parse(Path.of("/nonexistent"), "-B", "--syslog", "none", "--options",
                "etc/daemontools/timeslave/options");
        assertEquals(Optional.empty(), o.syslogPath());
        assertTrue(o.foreground());
        assertEquals("netmaster", o.master());
    }

    @Test
    void systemdUnitRunsInTheForegroundWithTheNeededCapabilities() throws Exception {
        String unit = Files.readString(Path.of("etc/systemd/timeslave.service"));
        assertTrue(unit.contains("\nExecStart=/usr/sbin/timeslave -B --options /etc/timeslave/timeslave.options\n"), unit);
        assertTrue(unit.contains("\nRestart=always\n"));
        assertTrue(unit.contains("\nAmbientCapabilities=CAP_SYS_TIME CAP_NET_RAW CAP_SYS_NICE\n"));
        assertTrue(!unit.contains("\nProtectClock=yes"), "ProtectClock would forbid adjusting the clock");
        assertTrue(!unit.contains("\nMemoryDenyWriteExecute=yes"), "the JVM needs W+X pages");
    }
}
