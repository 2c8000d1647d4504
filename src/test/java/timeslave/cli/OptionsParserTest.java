package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import timeslave.core.Settings;

class OptionsParserTest {
    /** A services(5) stand-in: "time" is 37, "timeslave-test" is 4037, nothing else exists. */
    private static final Map<String, Integer> SERVICES = Map.of("time", 37, "timeslave-test", 4037);

    @TempDir
    Path dir;

    private OptionsParser parser() {
        return parser(dir.resolve("no-such-default.options"));
    }

    private OptionsParser parser(Path defaultOptions) {
        return new OptionsParser(defaultOptions, n -> SERVICES.containsKey(n) ? OptionalInt.of(SERVICES.get(n))
                : OptionalInt.empty(), dir);
    }

    private Options run(String... args) throws UsageException {
        return ((Invocation.Run) parser().parse(Arrays.asList(args))).options();
    }

    private String error(String... args) {
        return assertThrows(UsageException.class, () -> parser().parse(Arrays.asList(args))).getMessage();
    }

    @Test
    void defaultsFollowTheManual() throws UsageException {
        Options o = run("-H", "netmaster");
        assertFalse(o.serial());
        assertEquals("netmaster", o.master());
        assertEquals("PST_WWV", o.clockType());
        assertEquals(Optional.empty(), o.timetrimFile());
        assertFalse(o.measureOnly());
        assertEquals(0, o.debugLevel());
        assertFalse(o.foreground());
        assertFalse(o.quiet());
        assertEquals(1_000_000_000L, o.probeWaitNanos());
        assertEquals(4_000_000_000L, o.dateWaitNanos());
        assertEquals(4, o.minTrials());
        assertEquals(16, o.maxTrials());
        assertEquals(210_000_000_000L, o.rateNanos());
        assertEquals(37, o.timePort());
        assertEquals(10_000_000L, o.maxDriftNsPerSec());
        assertEquals(0, o.initDriftNsPerSec());
        assertEquals(OptionalInt.empty(), o.year());
        assertFalse(o.yearFromTimetrim());
        assertFalse(o.once());
        assertFalse(o.setClock());
        assertEquals(Optional.of(Path.of("/dev/log")), o.syslogPath());
        assertEquals(128_000_000L, o.stepThresholdNanos());
        assertEquals(Settings.Leap.KERNEL, o.leap());
        assertEquals(Optional.empty(), o.readyFile());
        assertEquals(Optional.empty(), o.optionsFile());
    }

    @Test
    void everyOptionIsRead() throws UsageException {
        Options o = run("-C", "/dev/ttyd2", "-c", "tt600", "-P", "/var/adm/timetrim", "-m", "-d", "-B", "-q",
                "-w", "0.5", "-W", "2.25", "-t", "3", "-T", "9", "-r", "5", "-p", "4037", "-D", "3000000",
                "-i", "-1234", "-Y", "--syslog", "/run/log", "--step-threshold", "20", "--leap-seconds", "/x/leap",
                "--detached", "/dev/fd/3", "--leap", "smear");
        assertEquals(Settings.Leap.SMEAR, o.leap());
        assertEquals(Settings.Leap.IGNORE, run("-H", "m", "--leap=ignore").leap());
        assertTrue(o.serial());
        assertEquals("/dev/ttyd2", o.master());
        assertEquals("TT600", o.clockType());
        assertEquals(Optional.of(Path.of("/var/adm/timetrim")), o.timetrimFile());
        assertTrue(o.measureOnly());
        assertEquals(1, o.debugLevel());
        assertTrue(o.foreground());
        assertTrue(o.quiet());
        assertEquals(500_000_000L, o.probeWaitNanos());
        assertEquals(2_250_000_000L, o.dateWaitNanos());
        assertEquals(3, o.minTrials());
        assertEquals(9, o.maxTrials());
        assertEquals(5_000_000_000L, o.rateNanos());
        assertEquals(4037, o.timePort());
        assertEquals(3_000_000L, o.maxDriftNsPerSec());
        assertEquals(-1234, o.initDriftNsPerSec());
        assertTrue(o.yearFromTimetrim());
        assertEquals(Optional.of(Path.of("/run/log")), o.syslogPath());
        assertEquals(Optional.empty(), run("-H", "m", "--syslog", "none").syslogPath());
        assertEquals(20_000_000_000L, o.stepThresholdNanos());
        assertEquals(Path.of("/x/leap"), o.leapSecondsFile());
        assertEquals(Optional.of(Path.of("/dev/fd/3")), o.readyFile());
    }

    @Test
    void yearIsRead() throws UsageException {
        assertEquals(OptionalInt.of(2026), run("-H", "m", "-y", "2026").year());
        assertEquals(OptionalInt.of(1970), run("-H", "m", "-y", "1970").year());
        assertEquals(OptionalInt.of(2199), run("-H", "m", "-y", "2199").year());
    }

    @ParameterizedTest
    @CsvSource({"PST_WWV,PST_WWV", "pst_wwv,PST_WWV", "TRC_WWV,TRC_WWV", "trc_wwv,TRC_WWV",
        "Traconix_WWV,TRC_WWV", "TRACONIX_WWV,TRC_WWV", "TT600,TT600", "tt600,TT600"})
    void clockTypesAreCaseInsensitiveAndCanonical(String given, String canonical) throws UsageException {
        assertEquals(canonical, run("-C", "/dev/ttyd2", "-c", given).clockType());
    }

    @Test
    void debugCountsRepeatsAndClusters() throws UsageException {
        assertEquals(3, run("-ddd", "-H", "m").debugLevel());
        assertEquals(4, run("-ddd", "-d", "-H", "m").debugLevel());
        assertEquals(2, run("-d", "-H", "m", "-d").debugLevel());
        Options o = run("-dBqmY", "-P", "/f", "-ddHmaster");
        assertEquals(3, o.debugLevel());
        assertTrue(o.foreground() && o.quiet() && o.measureOnly() && o.yearFromTimetrim());
        assertEquals("master", o.master());
    }

    @Test
    void attachedValuesWork() throws UsageException {
        Options o = run("-C/dev/ttyd2", "-w1", "-r90");
        assertEquals("/dev/ttyd2", o.master());
        assertEquals(1_000_000_000L, o.probeWaitNanos());
        assertEquals(90_000_000_000L, o.rateNanos());
        assertEquals(30_000_000_000L, run("-H", "m", "--step-threshold=30").stepThresholdNanos());
    }

    @Test
    void capitalQIsTheSameAsQ() throws UsageException {
        assertTrue(run("-Q", "-H", "m").quiet());
    }

    @ParameterizedTest
    @CsvSource({"'',,4,16", "-T,40,10,40", "-T,16,4,16", "-T,3,1,3", "-T,1,1,1", "-t,2,2,8", "-t,100,100,200",
        "-t,200,200,200"})
    void trialsInterplay(String opt, String value, int min, int max) throws UsageException {
        Options o = opt.isEmpty() ? run("-H", "m") : run("-H", "m", opt, value);
        assertEquals(min, o.minTrials());
        assertEquals(max, o.maxTrials());
    }

    @Test
    void bothTrialsAreKeptWhenConsistent() throws UsageException {
        Options o = run("-H", "m", "-t", "5", "-T", "5");
        assertEquals(5, o.minTrials());
        assertEquals(5, o.maxTrials());
    }

    @Test
    void portNamesAreLookedUp() throws UsageException {
        assertEquals(4037, run("-H", "m", "-p", "timeslave-test").timePort());
        assertEquals(37, run("-H", "m", "-p", "time").timePort());
        assertEquals(65535, run("-H", "m", "-p", "65535").timePort());
    }

    @Test
    void defaultPortComesFromTheServicesDatabaseElse37() throws UsageException {
        OptionsParser p = new OptionsParser(dir.resolve("none"), n -> n.equals("time") ? OptionalInt.of(3737)
                : OptionalInt.empty(), dir);
        assertEquals(3737, ((Invocation.Run) p.parse(List.of("-H", "m"))).options().timePort());
        OptionsParser none = new OptionsParser(dir.resolve("none"), n -> OptionalInt.empty(), dir);
        assertEquals(37, ((Invocation.Run) none.parse(List.of("-H", "m"))).options().timePort());
    }

    @Test
    void relativePathsResolveFromTheStartDirectory() throws UsageException {
        Options o = run("-C", "tty0", "-P", "trim", "--syslog", "log", "--leap-seconds", "leap");
        assertEquals(dir.resolve("tty0").toString(), o.master());
        assertEquals(Optional.of(dir.resolve("trim")), o.timetrimFile());
        assertEquals(Optional.of(dir.resolve("log")), o.syslogPath());
        assertEquals(dir.resolve("leap"), o.leapSecondsFile());
    }

    @Test
    void onceAndSet() throws UsageException {
        Options o = run("--once", "--set", "-H", "m");
        assertTrue(o.once());
        assertTrue(o.setClock());
        assertFalse(run("--once", "-H", "m").setClock());
    }

    @Test
    void panicLimitDefaultsTo1000sAndReachesTheSettings() throws UsageException, IOException {
        assertEquals(1_000_000_000_000L, run("-H", "m").panicNanos(), "ntpd's 1000 s");
        assertEquals(1_000_000_000_000L, run("-H", "m").settings(1).panicNanos());
        assertEquals(0, run("-H", "m", "--panic", "0").settings(1).panicNanos(), "0: no limit");
        assertEquals(60_500_000_000L, run("-H", "m", "--panic", "60.5").panicNanos());
        Path f = dir.resolve("opts");
        Files.writeString(f, "-H m --panic 600 # an hour is too much here\n");
        assertEquals(600_000_000_000L, run("--options", f.toString()).panicNanos(), "read from the options file");
        assertFalse(run("--once", "--set", "-H", "m").force());
        assertTrue(run("--once", "--set", "--force", "-H", "m").force());
        Files.writeString(f, "-H m --force\n");
        assertEquals(f + ": --force is not allowed in an options file", error("--options", f.toString()));
    }

    @Test
    void helpVersionAndSimulate() throws UsageException {
        assertInstanceOf(Invocation.Help.class, parser().parse(List.of("--help")));
        assertInstanceOf(Invocation.Help.class, parser().parse(List.of("-H", "m", "--help", "-r", "1")));
        assertInstanceOf(Invocation.Version.class, parser().parse(List.of("--version")));
        Invocation.Simulate s = (Invocation.Simulate) parser().parse(List.of("--simulate", "drift", "-r", "1"));
        assertEquals(List.of("drift", "-r", "1"), s.args());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "-H m -r 3|-r 3: rate must be from 5 to 86400 seconds",
        "-H m -r 86401|-r 86401: rate must be from 5 to 86400 seconds",
        "-H m -r 10x|-r 10x: rate must be from 5 to 86400 seconds",
        "-H m -r 0x10|-r 0x10: rate must be from 5 to 86400 seconds",
        "-H m -r 1e3|-r 1e3: rate must be from 5 to 86400 seconds",
        "-H m --max-rate 366d|--max-rate 366d: max-rate must be from 5 seconds to 365 days (seconds, or a number with s, m, h or d: 90d)",
        "-H m --max-rate 4|--max-rate 4: max-rate must be from 5 seconds to 365 days (seconds, or a number with s, m, h or d: 90d)",
        "-H m --max-rate 90w|--max-rate 90w: max-rate must be from 5 seconds to 365 days (seconds, or a number with s, m, h or d: 90d)",
        "-H m --max-rate d|--max-rate d: max-rate must be from 5 seconds to 365 days (seconds, or a number with s, m, h or d: 90d)",
        "-H m --max-rate -5d|--max-rate -5d: max-rate must be from 5 seconds to 365 days (seconds, or a number with s, m, h or d: 90d)",
        "-H m --max-rate 1e6|--max-rate 1e6: max-rate must be from 5 seconds to 365 days (seconds, or a number with s, m, h or d: 90d)",
        "-H m --max-rate 100|--max-rate 100: max-rate must not be shorter than -r 210",
        "-H m -r 600 --max-rate 5m|--max-rate 5m: max-rate must not be shorter than -r 600",
        "-H m --max-rate 1d --max-rate 2d|--max-rate given more than once",
        "-H m --adaptive-rate 64|--adaptive-rate 64: adaptive-rate must be MIN:MAX, seconds from 5 to 86400, MIN not above MAX",
        "-H m --adaptive-rate 4:64|--adaptive-rate 4:64: adaptive-rate must be MIN:MAX, seconds from 5 to 86400, MIN not above MAX",
        "-H m --adaptive-rate 64:86401|--adaptive-rate 64:86401: adaptive-rate must be MIN:MAX, seconds from 5 to 86400, MIN not above MAX",
        "-H m --adaptive-rate 1024:64|--adaptive-rate 1024:64: adaptive-rate must be MIN:MAX, seconds from 5 to 86400, MIN not above MAX",
        "-H m --adaptive-rate 64:1k|--adaptive-rate 64:1k: adaptive-rate must be MIN:MAX, seconds from 5 to 86400, MIN not above MAX",
        "-H m --adaptive-rate 64:1024 --max-rate 1d|--adaptive-rate cannot be used with --max-rate",
        "-H m -w 0|-w 0: icmp-wait must be from 0.001 to 40 seconds",
        "-H m -w 41|-w 41: icmp-wait must be from 0.001 to 40 seconds",
        "-H m -w 0.0000000001|-w 0.0000000001: icmp-wait must be from 0.001 to 40 seconds",
        "-H m -W 0|-W 0: time-wait must be from 0.001 to 300 seconds",
        "-H m -W 301|-W 301: time-wait must be from 0.001 to 300 seconds",
        "-H m -W four|-W four: time-wait must be from 0.001 to 300 seconds",
        "-H m -t 0|-t 0: min-trials must be a whole number from 1 to 200",
        "-H m -t 201|-t 201: min-trials must be a whole number from 1 to 200",
        "-H m -t 2.5|-t 2.5: min-trials must be a whole number from 1 to 200",
        "-H m -T 0|-T 0: max-trials must be a whole number from 1 to 200",
        "-H m -T 201|-T 201: max-trials must be a whole number from 1 to 200",
        "-H m -t 8 -T 4|-t 8 -T 4: min-trials must not exceed max-trials",
        "-H m -p 0|-p 0: port must be a number from 1 to 65535 or a udp service name in /etc/services",
        "-H m -p 65536|-p 65536: port must be a number from 1 to 65535 or a udp service name in /etc/services",
        "-H m -p nosuch|-p nosuch: unknown udp service; port must be a number from 1 to 65535 or a udp service name in /etc/services",
        "-H m -p -5|-p -5: port must be a number from 1 to 65535 or a udp service name in /etc/services",
        "-H m -D 0|-D 0: max-drift must be a whole number of ns/s from 1 to 100000000",
        "-H m -D 100000001|-D 100000001: max-drift must be a whole number of ns/s from 1 to 100000000",
        "-H m -D 1%|-D 1%: max-drift must be a whole number of ns/s from 1 to 100000000",
        "-H m -i 3000001|-i 3000001: init-drift must be a whole number of ns/s from -3000000 to 3000000",
        "-H m -i -3000001|-i -3000001: init-drift must be a whole number of ns/s from -3000000 to 3000000",
        "-H m -i 99999999999999999999|-i 99999999999999999999: init-drift must be a whole number of ns/s from -3000000 to 3000000",
        "-H m -y 98|-y 98: year must be a four-digit year from 1970 to 2199",
        "-H m -y 1969|-y 1969: year must be a four-digit year from 1970 to 2199",
        "-H m -y 2200|-y 2200: year must be a four-digit year from 1970 to 2199",
        "-C /dev/x -c WWV|-c WWV: clock-type must be PST_WWV, TRC_WWV (or Traconix_WWV) or TT600",
        "-H m -c TT600|-c applies only to a serial receiver (-C)",
        "-H m -C /dev/x -C /dev/y|-C given more than once",
        "-H m -H n -H m|-H m given twice",
        "-H ntp1 -H n -H NTP1|-H NTP1 given twice",
        "-H a -H b -H c -H d -H e -H f -H g -H h -C /dev/x|at most 8 masters (-H and -C together), not 9",
        "-m|one of -H netmaster and -C tty is required",
        "-H m -Y|-Y requires -P",
        "-H m -P /f -y 2020 -Y|-y and -Y cannot be used together",
        "-H m --set|--set requires --once",
        "-H m --once --set -m|--set cannot be used with -m",
        "-H m --step-threshold 0|--step-threshold 0: step threshold must be from 0.001 to 86400 seconds",
        "-H m --step-threshold 86401|--step-threshold 86401: step threshold must be from 0.001 to 86400 seconds",
        "-H m --leap smeared|--leap smeared: leap must be kernel, smear or ignore",
        "-H m --leap KERNEL|--leap KERNEL: leap must be kernel, smear or ignore",
        "-H m --leap|--leap needs a value (MODE)",
        "-H m --leap smear --leap ignore|--leap given more than once",
        "-H m -r 10 -r 20|-r given more than once",
        "-C /dev/x -c TT600 -c PST_WWV|-c given more than once",
        "-H m -x|unknown option -x",
        "-H m --frobnicate|unknown option --frobnicate",
        "-H m --hel|unknown option --hel",
        "-H|-H needs a value (netmaster)",
        "-H m -r|-r needs a value (rate)",
        "-H m extra|unexpected argument extra",
        "-H m --simulate|--simulate must be the first argument",
        "-H sntp:127.0.0.1:99999|bad -H 'sntp:127.0.0.1:99999': port '99999' is not 1..65535",
        "-H sntp:|bad -H 'sntp:': no host",
        "-H ntp:host|bad -H 'ntp:host': use host, sntp:host[:port], tai:host[:port] or taitrue:host[:port] (IPv6 in brackets)",
        "-H m --metrics 0|--metrics 0: metrics must be [ADDRESS:]PORT, PORT from 1 to 65535",
        "-H m --metrics 127.0.0.1:70000|--metrics 127.0.0.1:70000: metrics must be [ADDRESS:]PORT, PORT from 1 to 65535",
        "-H m --metrics localhost:|--metrics localhost:: metrics must be [ADDRESS:]PORT, PORT from 1 to 65535",
        "-H m --control|--control needs a value (PATH)",
        "-H m --statsdir|--statsdir needs a value (DIR)",
        "-H m --panic -1|--panic -1: panic must be from 0 to 3155760000 seconds",
        "-H m --panic 3155760001|--panic 3155760001: panic must be from 0 to 3155760000 seconds",
        "-H m --panic 1e3|--panic 1e3: panic must be from 0 to 3155760000 seconds",
        "-H m --once --force|--force requires --once --set",
        "-H m -u ../x|-u ../x: user must be a user name: letters, digits, dot, underscore, hyphen",
        "-H m -u -x|-u -x: user must be a user name: letters, digits, dot, underscore, hyphen",
        "-H m -u abcdefghijklmnopqrstuvwxyz0123456|-u abcdefghijklmnopqrstuvwxyz0123456: user must be a user name: letters, digits, dot, underscore, hyphen",
        "-H m -u a -u b|-u given more than once",
        "-H m -m --force|--force cannot be used with -m",
    })
    void everyBadValueGetsOneSpecificError(String args, String message) throws IOException {
        assertEquals(message, error(args.split(" ")));
        assertTrue(documentedUsageErrors().stream().anyMatch(p -> p.matcher(message).matches()),
                "not in DIAGNOSTICS of man/timeslave.1m: timeslave: " + message);
    }

    /**
     * The command-line errors listed in DIAGNOSTICS (Start-up, options and process) of the manual
     * page, as patterns: each italic placeholder (such as the value) matches any text.
     */
    static List<Pattern> documentedUsageErrors() throws IOException {
        List<String> man = Files.readAllLines(Path.of("man/timeslave.1m"));
        int from = man.indexOf(".\\\" ==== DIAGNOSTICS start-up (cli/os)");
        assertTrue(from >= 0, "man/timeslave.1m has no DIAGNOSTICS start-up section");
        List<Pattern> out = new java.util.ArrayList<>();
        for (String line : man.subList(from, from + man.subList(from, man.size()).indexOf(".fi"))) {
            if (!line.startsWith("timeslave: ")) {
                continue;
            }
            String text = line.substring("timeslave: ".length()).replace("\\-", "-");
            StringBuilder re = new StringBuilder();
            for (String part : text.split("\\\\fI.*?\\\\fP", -1)) {
                re.append(Pattern.quote(part)).append(".+");
            }
            re.setLength(re.length() - 2);
            out.add(Pattern.compile(re.toString()));
        }
        return out;
    }

    @Test
    void emptyMasterIsRefused() {
        assertEquals("-H: netmaster must not be empty", error("-H", ""));
        assertEquals("-C: tty must not be empty", error("-C", " "));
    }

    // ---- options file

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void defaultOptionsFileIsReadWithComments() throws UsageException, IOException {
        Path f = file("timeslave.options", "# the master\n-H netmaster   # trailing comment\n\n-r 300 -ddP /var/adm/timetrim\n");
        Options o = ((Invocation.Run) parser(f).parse(List.of())).options();
        assertEquals("netmaster", o.master());
        assertEquals(300_000_000_000L, o.rateNanos());
        assertEquals(2, o.debugLevel());
        assertEquals(Optional.of(Path.of("/var/adm/timetrim")), o.timetrimFile());
        assertEquals(Optional.of(f), o.optionsFile());
    }

    @Test
    void missingDefaultOptionsFileIsFine() throws UsageException {
        Options o = ((Invocation.Run) parser(dir.resolve("absent")).parse(List.of("-H", "m"))).options();
        assertEquals(Optional.empty(), o.optionsFile());
    }

    @Test
    void missingExplicitOptionsFileIsAnError() {
        Path absent = dir.resolve("absent");
        assertEquals("--options " + absent + ": no such file", error("--options", absent.toString(), "-H", "m"));
    }

    @Test
    void severalMastersInTheirOrderWithTheClockTypeForTheTty() throws UsageException {
        Options o = run("-H", "sntp:a", "-C", "/dev/ttyd2", "-H", "b", "-c", "TT600");
        assertEquals(List.of(new Options.Master(false, "sntp:a"), new Options.Master(false, "b"),
                new Options.Master(true, "/dev/ttyd2")), o.masters());
        assertEquals("sntp:a", o.master());
        assertFalse(o.serial());
        assertEquals("TT600", o.clockType());
        assertTrue(o.describe().startsWith("-H sntp:a -H b -C /dev/ttyd2 -c TT600 -p 37 -w 1 "), o.describe());
        assertEquals(List.of(new Options.Master(false, "m")), run("-H", "m").masters());
        assertEquals(List.of(new Options.Master(true, "/dev/x")), run("-C", "/dev/x").masters());
        assertEquals(8, run("-H", "a", "-H", "b", "-H", "c", "-H", "d", "-H", "e", "-H", "f", "-H", "g", "-C", "/dev/x")
                .masters().size());
    }

    @Test
    void severalMastersFromTheOptionsFileUnlessTheCommandLineNamesAny() throws UsageException, IOException {
        Path f = file("o", "-H one\n-H two   # a second master\n-C /dev/ttyd2 -c TT600\n");
        Options fromFile = ((Invocation.Run) parser(f).parse(List.of())).options();
        assertEquals(List.of(new Options.Master(false, "one"), new Options.Master(false, "two"),
                new Options.Master(true, "/dev/ttyd2")), fromFile.masters());
        assertEquals("TT600", fromFile.clockType());
        Options cmd = ((Invocation.Run) parser(f).parse(List.of("-H", "three"))).options();
        assertEquals(List.of(new Options.Master(false, "three")), cmd.masters());
        assertEquals("PST_WWV", cmd.clockType(), "the file's -c goes with the file's -C");
        Path twice = file("t", "-H one -H one\n");
        assertEquals(twice + ": -H one given twice",
                assertThrows(UsageException.class, () -> parser(twice).parse(List.of())).getMessage());
    }

    @Test
    void explicitOptionsFileReplacesTheDefault() throws UsageException, IOException {
        Path dflt = file("default.options", "-H default -r 100\n");
        Path mine = file("mine.options", "-H mine\n");
        Options o = ((Invocation.Run) parser(dflt).parse(List.of("--options", mine.toString()))).options();
        assertEquals("mine", o.master());
        assertEquals(210_000_000_000L, o.rateNanos());
        assertEquals(Optional.of(mine), o.optionsFile());
    }

    @Test
    void commandLineWins() throws UsageException, IOException {
        Path f = file("o", "-C /dev/ttyd2 -c TT600 -r 300 -w 2 -t 2 -T 8 -y 2020 -dd -P /var/adm/timetrim -m\n");
        Options o = ((Invocation.Run) parser(f).parse(List.of("-H", "cmdline", "-r", "60", "-T", "20", "-Y", "-d")))
                .options();
        assertFalse(o.serial(), "-H on the command line replaces the file's -C and -c");
        assertEquals("cmdline", o.master());
        assertEquals("PST_WWV", o.clockType());
        assertEquals(60_000_000_000L, o.rateNanos());
        assertEquals(2_000_000_000L, o.probeWaitNanos(), "the file's -w stays");
        assertEquals(5, o.minTrials(), "-t/-T is one group: the command line's -T alone gives min = max/4");
        assertEquals(20, o.maxTrials());
        assertTrue(o.yearFromTimetrim(), "-y/-Y is one group: the command line's -Y replaces the file's -y");
        assertEquals(OptionalInt.empty(), o.year());
        assertEquals(1, o.debugLevel());
        assertTrue(o.measureOnly(), "flags add up");
        assertEquals(Optional.of(Path.of("/var/adm/timetrim")), o.timetrimFile());
    }

    @Test
    void clockTypeOnTheCommandLineCombinesWithTheFilesTty() throws UsageException, IOException {
        Path f = file("o", "-C /dev/ttyd2\n");
        Options o = ((Invocation.Run) parser(f).parse(List.of("-c", "trc_wwv"))).options();
        assertEquals("/dev/ttyd2", o.master());
        assertEquals("TRC_WWV", o.clockType());
    }

    @Test
    void optionsFileErrorsNameTheFile() throws IOException {
        Path f = file("o", "-H m -r 3\n");
        assertEquals(f + ": -r 3: rate must be from 5 to 86400 seconds",
                assertThrows(UsageException.class, () -> parser(f).parse(List.of())).getMessage());
        Path g = file("g", "-H m --once\n");
        assertEquals(g + ": --once is not allowed in an options file",
                assertThrows(UsageException.class, () -> parser(g).parse(List.of())).getMessage());
        Path h = file("h", "-H m stray\n");
        assertEquals(h + ": unexpected argument stray",
                assertThrows(UsageException.class, () -> parser(h).parse(List.of())).getMessage());
        Path k = file("k", "-H m -r\n");
        assertEquals(k + ": -r needs a value (rate)",
                assertThrows(UsageException.class, () -> parser(k).parse(List.of())).getMessage());
    }

    @Test
    void aBadFileValueCanBeOverriddenOnTheCommandLine() throws IOException, UsageException {
        Path f = file("o", "-H m -r 3\n");
        Options o = ((Invocation.Run) parser(f).parse(List.of("-r", "60"))).options();
        assertEquals(60_000_000_000L, o.rateNanos());
    }

    @Test
    void describeListsTheOptionsInForce() throws UsageException {
        assertEquals("-H m -p 37 -w 1 -W 4 -t 4 -T 16 -dd -B -r 210 -D 10000000 -i 0 --step-threshold 0.128"
                + " --syslog /dev/log --leap-seconds " + run("-H", "m").leapSecondsFile() + " --leap kernel --panic 1000"
                + " --control /run/timeslave/timeslave.sock",
                run("-H", "m", "-dd", "-B").describe());
        assertEquals("-C /dev/ttyd2 -c TT600 -P /t -m -r 5.5 -D 10000000 -i -5 -Y --step-threshold 0.128"
                + " --syslog /dev/log --leap-seconds " + run("-H", "m").leapSecondsFile() + " --leap smear --panic 1000"
                + " --control none --metrics 127.0.0.1:9123 --statsdir /var/log/timeslave",
                run("-C", "/dev/ttyd2", "--leap", "smear", "-c", "TT600", "-P", "/t", "-m", "-r", "5.5", "-i", "-5", "-Y",
                        "--control", "none", "--metrics", "9123", "--statsdir", "/var/log/timeslave").describe());
    }

    // ops12
    @Test
    void aBadHInTheOptionsFileNamesTheFile() throws IOException {
        Path f = file("o", "-H sntp:127.0.0.1:99999\n");
        UsageException e = org.junit.jupiter.api.Assertions.assertThrows(UsageException.class, () -> parser(f).parse(List.of()));
        assertEquals(f + ": bad -H 'sntp:127.0.0.1:99999': port '99999' is not 1..65535", e.getMessage());
    }

    @Test
    void metricsTakeAnAddressOrJustAPort() throws UsageException {
        assertEquals("127.0.0.1", run("-H", "m", "--metrics", "9123").ops().metricsHost());
        assertEquals(9123, run("-H", "m", "--metrics", "9123").ops().metricsPort());
        assertEquals("::1", run("-H", "m", "--metrics", "[::1]:9100").ops().metricsHost());
        assertEquals("0.0.0.0", run("-H", "m", "--metrics", "0.0.0.0:9100").ops().metricsHost());
        assertEquals(0, run("-H", "m").ops().metricsPort(), "off by default");
        assertEquals(java.util.Optional.empty(), run("-H", "m", "--control", "none").ops().control());
    }

    @Test
    void settingsAndReferenceConfigCarryTheOptions() throws UsageException {
        Options o = run("-C", "/dev/ttyd2", "-c", "TT600", "-r", "60", "-D", "5000", "-i", "-7", "-m",
                "--step-threshold", "0.5", "-P", "/t", "-Y", "-q");
        var s = o.settings(42);
        assertEquals(60_000_000_000L, s.rateNanos());
        assertEquals(5000, s.maxDriftNsPerSec());
        assertEquals(-7, s.initDriftNsPerSec());
        assertTrue(s.measureOnly());
        assertTrue(s.serial());
        assertEquals(500_000_000L, s.stepThresholdNanos());
        assertEquals(42, s.seed());
        assertEquals(Settings.Leap.SMEAR, run("-H", "m", "--leap", "smear").settings(1).leap());
        var c = o.referenceConfig(OptionalInt.of(2025));
        assertEquals("TT600", c.clockType());
        assertEquals(OptionalInt.of(2025), c.forcedYear());
        assertTrue(c.quiet());
        assertEquals(OptionalInt.of(2031), run("-H", "m", "-y", "2031").referenceConfig(OptionalInt.of(2025))
                .forcedYear(), "-y wins over a file year");
        assertEquals(OptionalInt.empty(), run("-H", "m").referenceConfig(OptionalInt.of(2025)).forcedYear(),
                "without -Y the file's year is not used");
    }

    @Test
    void adaptiveRateTakesMinAndMaxSecondsAndReachesTheSettings() throws UsageException {
        assertEquals(0, run("-H", "m").settings(1).adaptiveMaxNanos(), "none: -r alone");
        Options o = run("-H", "m", "-r", "64", "--adaptive-rate", "64:1024");
        assertEquals(64_000_000_000L, o.settings(1).adaptiveMinNanos());
        assertEquals(1_024_000_000_000L, o.settings(1).adaptiveMaxNanos());
        assertEquals(64_000_000_000L, o.settings(1).rateNanos());
        assertTrue(o.describe().contains(" --adaptive-rate 64:1024"), o.describe());
        assertEquals(16_500_000_000L, run("-H", "m", "--adaptive-rate", "16.5:16.5").adaptiveMaxNanos());
    }

    @Test
    void maxRateTakesSecondsOrAUnitAndReachesTheSettings() throws UsageException {
        assertEquals(0, run("-H", "m").maxRateNanos(), "none: timeslave's schedule");
        assertEquals(0, run("-H", "m").settings(1).maxRateNanos());
        assertEquals(7_776_000_000_000_000L, run("-H", "m", "-r", "600", "--max-rate", "90d").maxRateNanos());
        assertEquals(5_400_000_000_000L, run("-H", "m", "--max-rate", "1.5h").maxRateNanos());
        assertEquals(600_000_000_000L, run("-H", "m", "--max-rate", "10m").maxRateNanos());
        assertEquals(7_884_000_000_000_000L, run("-H", "m", "--max-rate", "7884000").maxRateNanos());
        assertEquals(210_000_000_000L, run("-H", "m", "--max-rate", "210s").maxRateNanos(), "equal to -r is allowed");
        assertEquals(31_536_000_000_000_000L, run("-H", "m", "--max-rate", "365d").maxRateNanos());
        Options o = run("-H", "m", "-r", "600", "--max-rate", "30d");
        assertEquals(2_592_000_000_000_000L, o.settings(1).maxRateNanos());
        assertEquals(600_000_000_000L, o.settings(1).rateNanos());
        assertTrue(o.describe().contains(" -r 600 --max-rate 2592000 "), o.describe());
        assertTrue(OptionsParser.help().contains("--max-rate DURATION"), "listed in --help");
    }

    // ---- issue 9, failure 7: options files that killed or hung the daemon

    /** The message, without the options file's name in front, is one DIAGNOSTICS documents. */
    private static void documented(String message) throws IOException {
        String bare = message.replaceFirst("^/\\S*: ", "");
        assertTrue(documentedUsageErrors().stream().anyMatch(p -> p.matcher(bare).matches()),
                "not in DIAGNOSTICS of man/timeslave.1m: timeslave: " + bare);
    }

    @Test
    void aHugeOptionsFileIsOneErrorNotAnOutOfMemoryError() throws IOException {
        Path huge = timeslave.os.HostileFiles.sparse(dir.resolve("huge.options"), 100L << 20);
        String m = error("--options", huge.toString(), "-H", "m");
        assertEquals("--options " + huge + ": cannot read: larger than 65536 bytes", m);
        documented(m);
        assertEquals(m, assertThrows(UsageException.class, () -> parser(huge).parse(List.of("-H", "m"))).getMessage(),
                "the default file too: only a missing one is passed over");
    }

    @Test
    void aLongLineBeyondTheCapIsOneError() throws IOException {
        Path f = file("long.options", "-H m # " + "x".repeat(450 * 1024) + "\n");
        assertEquals("--options " + f + ": cannot read: larger than 65536 bytes", error("--options", f.toString()));
    }

    @Test
    void anOptionsFileJustWithinTheCapIsRead() throws Exception {
        String head = "-H netmaster -r 60 # ";
        Path f = file("full.options", head + "x".repeat(OptionsParser.MAX_OPTIONS_FILE_BYTES - head.length() - 1) + "\n");
        assertEquals(OptionsParser.MAX_OPTIONS_FILE_BYTES, Files.size(f));
        Options o = ((Invocation.Run) parser().parse(List.of("--options", f.toString()))).options();
        assertEquals("netmaster", o.master());
        assertEquals(60_000_000_000L, o.rateNanos());
    }

    @Test
    void aFifoAsTheOptionsFileIsOneErrorWithoutHanging() throws Exception {
        Path fifo = timeslave.os.HostileFiles.fifo(dir.resolve("fifo.options"));
        String m = timeslave.os.HostileFiles.withoutHanging(fifo, () -> error("--options", fifo.toString(), "-H", "m"));
        assertEquals("--options " + fifo + ": cannot read: not a regular file (a FIFO)", m);
        documented(m);
        String dflt = timeslave.os.HostileFiles.withoutHanging(fifo,
                () -> assertThrows(UsageException.class, () -> parser(fifo).parse(List.of("-H", "m"))).getMessage());
        assertEquals(m, dflt);
    }

    @Test
    void aDirectoryOrADeviceAsTheOptionsFileIsOneError() {
        assertEquals("--options " + dir + ": cannot read: not a regular file (a directory)",
                error("--options", dir.toString(), "-H", "m"));
        assertEquals("--options /dev/zero: cannot read: not a regular file (a character device)",
                error("--options", "/dev/zero", "-H", "m"));
    }

    @Test
    void anOptionsFileThatIsNotUtf8IsOneError() throws IOException {
        Path f = dir.resolve("latin1.options");
        Files.write(f, "-H caf\u00e9\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        String m = error("--options", f.toString());
        assertEquals("--options " + f + ": cannot read: not UTF-8 text", m);
        documented(m);
    }

    @ParameterizedTest
    @CsvSource({"-P,-P", "--leap-seconds,--leap-seconds", "--syslog,--syslog", "-C,-C"})
    void aNulInAPathFromTheOptionsFileIsAUsageError(String option, String name) throws IOException {
        Path f = file("nul.options", (option.equals("-C") ? "" : "-H m ") + option + " /var/lib/time\u0000trim\n");
        String m = error("--options", f.toString());
        assertEquals(f + ": " + name + ": path must not contain a NUL character", m);
        documented(m);
    }

    @Test
    void aNulInAMasterFromTheOptionsFileIsAUsageError() throws IOException {
        // It reached the resolver and came back as exit status 1, the NUL written raw into the message.
        Path f = file("nul-master.options", "-H time\u0000server\n");
        String m = error("--options", f.toString());
        assertEquals(f + ": -H: netmaster must not contain a NUL character", m);
        documented(m);
    }

    @Test
    void wordsSplitOnBlanksAndNewlinesWithCommentsToTheEndOfTheLine() {
        assertEquals(List.of("-H", "a#b", "-r", "60", "-d"),
                OptionsParser.words("  -H\ta#b # -x ignored\r\n#whole line\n-r 60\f-d\u000B"));
        assertEquals(List.of(), OptionsParser.words(""));
        assertEquals(List.of(), OptionsParser.words("#"));
        assertEquals(List.of("\u0000"), OptionsParser.words("\u0000"));
    }

    @Test
    void theTextOfAnOptionsFileParsesWithoutAnyFile() throws UsageException {
        Options o = ((Invocation.Run) parser().parse(List.of("-r", "60"), "-H text-master -r 300\n")).options();
        assertEquals("text-master", o.master());
        assertEquals(60_000_000_000L, o.rateNanos(), "the command line wins");
        UsageException e = assertThrows(UsageException.class, () -> parser().parse(List.of(), "-H m -P a\u0000b"));
        assertEquals(dir.resolve("no-such-default.options") + ": -P: path must not contain a NUL character",
                e.getMessage());
    }

    // ---- least privilege (-u)

    @Test
    void userComesFromTheCommandLineOrTheOptionsFileAndIsDescribed() throws UsageException, IOException {
        Options none = ((Invocation.Run) parser(dir.resolve("absent")).parse(List.of("-H", "m"))).options();
        assertEquals(Optional.empty(), none.user());
        assertTrue(!none.describe().contains("-u "), none.describe());
        Options cmd = ((Invocation.Run) parser(dir.resolve("absent")).parse(List.of("-H", "m", "-u", "_chrony")))
                .options();
        assertEquals(Optional.of("_chrony"), cmd.user());
        assertTrue(cmd.describe().endsWith(" -u _chrony"), cmd.describe());
        Path f = file("timeslave.options", "-H m\n-u timeslave\n");
        assertEquals(Optional.of("timeslave"), ((Invocation.Run) parser(f).parse(List.of())).options().user());
        assertEquals(Optional.of("root"), ((Invocation.Run) parser(f).parse(List.of("-u", "root"))).options().user());
    }
}
