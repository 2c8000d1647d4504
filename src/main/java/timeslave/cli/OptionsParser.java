package timeslave.cli;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;
import timeslave.core.Ensemble;
import timeslave.core.Settings;
import timeslave.os.RegularFile;
import timeslave.ref.ReferenceConfig;

/**
 * Turns the command line (and the options file) into an {@link Invocation}, or a {@link UsageException}
 * naming the option and its accepted range. Numbers are decimal only: integers for counts, ns/s, ports
 * and years; integers or decimal fractions for seconds; anything else in the value is an error.
 */
public final class OptionsParser {
    /** Read when --options is not given; a missing default file is not an error. */
    public static final Path DEFAULT_OPTIONS_FILE = Path.of("/etc/config/timeslave.options");
    /** Where syslog(3) sends its datagrams. */
    public static final Path DEFAULT_SYSLOG = Path.of("/dev/log");
    /** --syslog none: send nothing to syslog (a supervisor collects stderr instead). */
    public static final String NO_SYSLOG = "none";
    /** The RFC 868 service name looked up for the default -p, as IRIX did. */
    public static final String TIME_SERVICE = "time";

    /** -t/-T: IRIX's upper limit on ICMP probes per measurement. */
    public static final int MAX_TRIALS = 200;
    /** -t/-T without the other: max = 4·min, min = max/4 (manual). */
    static final int TRIALS_RATIO = 4;
    /** -w: from 1 ms (a loopback round trip is 0.3 ms) to IRIX's 40 s. */
    static final BigDecimal MIN_PROBE_WAIT_S = new BigDecimal("0.001");
    static final BigDecimal MAX_PROBE_WAIT_S = new BigDecimal("40");
    /** -W: from 1 ms to 5 min; a time service slower than that is not answering. */
    static final BigDecimal MIN_DATE_WAIT_S = new BigDecimal("0.001");
    static final BigDecimal MAX_DATE_WAIT_S = new BigDecimal("300");
    /** -r: at least 5 s (manual: shorter periods leave no time to correct), at most one day. */
    static final BigDecimal MIN_RATE_S = new BigDecimal("5");
    static final BigDecimal MAX_RATE_S = new BigDecimal("86400");
    /** --max-rate: at most one year (clockspeed's clockadjust script stopped at 7 884 000 s, about three months). */
    static final BigDecimal MAX_MAX_RATE_S = new BigDecimal("31536000");
    /** --max-rate units: seconds, minutes, hours, days. */
    private static final Map<String, BigDecimal> DURATION_UNITS = Map.of("", BigDecimal.ONE, "s", BigDecimal.ONE,
            "m", BigDecimal.valueOf(60), "h", BigDecimal.valueOf(3_600), "d", BigDecimal.valueOf(86_400));
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,12}(?:\\.[0-9]{0,9})?|\\.[0-9]{1,9})([smhd]?)");
    /** -D: up to 10 %, the most a Linux clock can be corrected by (tick ±10 %). */
    public static final long MAX_MAX_DRIFT_NS_PER_SEC = 100_000_000L;
    /** -i: the timetrim range (IRIX's kernel limit, ±3000 ppm), which Linux reaches with freq plus tick. */
    public static final long MAX_INIT_DRIFT_NS_PER_SEC = 3_000_000L;
    /** -y: four-digit years; 1970 is the POSIX epoch, 2199 far beyond any receiver's calendar. */
    static final int MIN_YEAR = 1970;
    static final int MAX_YEAR = 2199;
    /** --step-threshold: 1 ms to one day. */
    static final BigDecimal MIN_STEP_S = new BigDecimal("0.001");
    static final BigDecimal MAX_STEP_S = new BigDecimal("86400");
    static final int MAX_PORT = 65535;
    // ops12: --control none turns the control socket off.
    public static final String NO_CONTROL = "none";
    private static final Pattern METRICS = Pattern.compile("(?:(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]]+):)?([0-9]{1,5})");
    // --- panic limit (issue 9): --panic SECONDS, --force ---
    /** --panic: 0 (no limit) to 100 years. */
    static final BigDecimal MAX_PANIC_S = new BigDecimal("3155760000");

    // --- least privilege (-u): issue 9 item 6 ---
    /** -u: a POSIX-portable user name (useradd's rule), at most 32 characters. */
    private static final Pattern USER = Pattern.compile("[A-Za-z0-9_.][A-Za-z0-9_.-]{0,30}[$]?");

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("[0-9]{1,12}(\\.[0-9]{0,9})?|\\.[0-9]{1,9}");
    private static final Pattern YEAR = Pattern.compile("[0-9]{4}");
    private static final Pattern CLOCK_TYPE_PST = Pattern.compile("PST_WWV", Pattern.CASE_INSENSITIVE);
    private static final Pattern CLOCK_TYPE_TRC = Pattern.compile("TRC_WWV|Traconix_WWV", Pattern.CASE_INSENSITIVE);
    private static final Pattern CLOCK_TYPE_TT600 = Pattern.compile("TT600", Pattern.CASE_INSENSITIVE);

    /** Options that make sense only on the command line, never in the options file. */
    private static final Set<String> COMMAND_LINE_ONLY = Set.of("help", "version", "once", "set", "options",
            "detached", "simulate", "force");
    /** Options with a value that may be repeated: -H names one more master each time. */
    private static final Set<String> REPEATABLE = Set.of("H", "serve-ntp", "serve-taiclock", "serve-time");
    /** Options without a value; every other option but {@link #REPEATABLE} may be given once per source. */
    private static final Set<String> FLAGS = Set.of("m", "d", "B", "q", "Q", "Y", "help", "version", "once", "set",
            "simulate", "force", "serve-unsynchronised", "serve-true-tai");

    private final Path defaultOptionsFile;
    private final Function<String, OptionalInt> udpServices;
    private final Path baseDir;

    /** The production parser: /etc/config/timeslave.options, /etc/services, the current directory. */
    public OptionsParser() {
        this(DEFAULT_OPTIONS_FILE, name -> EtcServices.udpPort(EtcServices.DEFAULT, name), Path.of(""));
    }

    /**
     * @param defaultOptionsFile read when --options is absent (missing is fine)
     * @param udpServices        service name → udp port, as /etc/services says
     * @param baseDir            relative paths (-P, -C, --options, --syslog, --leap-seconds) resolve from here
     */
    public OptionsParser(Path defaultOptionsFile, Function<String, OptionalInt> udpServices, Path baseDir) {
        this.defaultOptionsFile = defaultOptionsFile;
        this.udpServices = udpServices;
        this.baseDir = baseDir.toAbsolutePath();
    }

    /** The Commons CLI description of every option, in the order --help lists them. */
    static org.apache.commons.cli.Options definitions() {
        org.apache.commons.cli.Options o = new org.apache.commons.cli.Options();
        o.addOption(arg("H", "netmaster", "a master to follow: host (RFC 868 + ICMP), sntp:host[:port], tai:host[:port] or taitrue:host[:port]; repeat for several"));
        o.addOption(arg("C", "tty", "the serial port of a WWV or GPS receiver (alone or with -H; at least one of -H and -C)"));
        o.addOption(arg("c", "clock-type", "receiver on -C: PST_WWV, TRC_WWV (Traconix_WWV) or TT600 [PST_WWV]"));
        o.addOption(arg("P", "param-file", "timetrim file, read at start and rewritten as the trim improves [none]"));
        o.addOption(flag("m", "measure and log only; never adjust the clock"));
        o.addOption(flag("d", "more debugging messages; repeat for more (-ddd) [0]"));
        o.addOption(flag("B", "stay in the foreground and log to standard error as well"));
        o.addOption(flag("q", "hide errors from a master that is intermittently unreachable"));
        o.addOption(flag("Q", "the same as -q (the IRIX synopsis spelling)"));
        o.addOption(arg("w", "icmp-wait", "seconds to wait for one probe's reply, 0.001-40 [1]"));
        o.addOption(arg("W", "time-wait", "seconds to wait for the time service, 0.001-300 [4]"));
        o.addOption(arg("t", "min-trials", "replies needed per measurement, 1-200 [4, or max-trials/4]"));
        o.addOption(arg("T", "max-trials", "probes sent at most per measurement, 1-200 [16, or min-trials*4]"));
        o.addOption(arg("r", "rate", "seconds between measurements, 5-86400 [210]"));
        o.addOption(longArg("max-rate", "DURATION", "clockspeed's long-baseline schedule: intervals double from -r up to"
                + " this, -r to 365d; seconds, or with s, m, h or d (90d) [none: -r randomised]"));
        o.addOption(longArg("adaptive-rate", "MIN:MAX", "poll between MIN and MAX seconds (each 5-86400), longer while"
                + " the fit is good, shorter when its scatter or the learnt wander ask (chrony's polltarget idea);"
                + " starts at -r [off]"));
        o.addOption(arg("p", "port", "RFC 868 port number or udp service name [\"time\" in /etc/services, else 37]"));
        o.addOption(arg("D", "max-drift", "ns/s of drift beyond which a measurement is discarded, 1-100000000 [10000000]"));
        o.addOption(arg("i", "init-drift", "initial drift of the local clock, ns/s, +-3000000 [0]"));
        o.addOption(arg("y", "year", "the year, overriding the reference's, 1970-2199 [none]"));
        o.addOption(flag("Y", "take the year from the modification date of the -P file"));
        // least privilege (-u)
        o.addOption(arg("u", "user", "started as root, run as this user after start-up, keeping only cap_sys_time;"
                + " root keeps root [" + timeslave.os.Privileges.DEFAULT_USER + ", else "
                + timeslave.os.Privileges.FALLBACK_USER + "]"));
        o.addOption(longFlag("once", "measure once, print one line and exit"));
        o.addOption(longFlag("set", "with --once: step the clock by the measured offset"));
        // --- panic limit (issue 9) ---
        o.addOption(longArg("panic", "SECONDS", "an offset beyond this is corrected only before the first"
                + " synchronisation, once 3 measurements over 60 s agree; 0: no limit, 0-" + MAX_PANIC_S.toPlainString()
                + " [" + Options.seconds(Settings.DEFAULT_PANIC_NANOS) + "]"));
        o.addOption(longFlag("force", "with --once --set: step even beyond --panic; the daemon: adjust the clock even while"
                + " another time daemon (chronyd, ntpd, ...) does"));
        o.addOption(longFlag("simulate", "run the simulator with the words that follow (must come first)"));
        o.addOption(longArg("options", "FILE", "options file; the command line wins [" + DEFAULT_OPTIONS_FILE + "]"));
        o.addOption(longArg("syslog", "PATH", "syslog socket, or none [" + DEFAULT_SYSLOG + "]"));
        o.addOption(longArg("step-threshold", "SECONDS", "offsets beyond this are stepped, not slewed, 0.001-86400 ["
                + Options.seconds(Settings.DEFAULT_STEP_THRESHOLD_NANOS) + "]"));
        o.addOption(longArg("leap-seconds", "FILE", "leap-seconds.list for --leap and TAI references ["
                + ReferenceConfig.defaults().leapSecondsFile() + "]"));
        o.addOption(longArg("leap", "MODE", "leap seconds: kernel (announce them to the kernel), smear (over 24 h,"
                + " noon to noon UTC) or ignore [kernel]"));
        // ops12: status and control, metrics, statistics.
        o.addOption(longArg("control", "PATH", "control socket for timeslave-ctl, or none ["
                + timeslave.control.ControlServer.DEFAULT_PATH + "]"));
        o.addOption(longArg("metrics", "[ADDR:]PORT", "serve Prometheus metrics over HTTP at /metrics on PORT"
                + " (address 127.0.0.1 unless given) [off]"));
        o.addOption(longArg("statsdir", "DIR", "write ntpd-style loopstats and peerstats there, one file a day [off]"));
        // end ops12
        // ---- serving the next tier (issue 11: --serve-*, --clockbound-shm); parsed by serveConfig()
        o.addOption(optionalArg("serve-ntp", "[ADDR:]PORT", "answer NTP clients (RFC 5905 server) on ADDR:PORT; repeat"
                + " for more [off; 0.0.0.0:" + ServeConfig.NTP_PORT + " when given without a value]"));
        o.addOption(optionalArg("serve-taiclock", "[ADDR:]PORT", "answer TAICLOCK clients as taiclockd does; repeat for"
                + " more [off; 0.0.0.0:" + ServeConfig.TAICLOCK_PORT + "]"));
        o.addOption(optionalArg("serve-time", "[ADDR:]PORT", "answer RFC 868 time clients, UDP and TCP; repeat for more"
                + " [off; 0.0.0.0:" + ServeConfig.TIME_PORT + "]"));
        o.addOption(longFlag("serve-unsynchronised", "serve even while the clock is not held synchronised (always"
                + " under -m)"));
        o.addOption(longFlag("serve-true-tai", "TAICLOCK labels in true TAI from --leap-seconds, not taiclockd's"
                + " POSIX + 10 s"));
        o.addOption(longArg("serve-rate-limit", "RATE[/BURST]", "requests a second each client may make, banking up to"
                + " BURST, or off [" + ServeConfig.DEFAULT_RATE_LIMIT + "]"));
        o.addOption(longArg("clockbound-shm", "PATH", "publish the error bound as an AWS ClockBound v2 segment [none]"));
        // ---- end of serving
        o.addOption(longFlag("help", "print this list and exit"));
        o.addOption(longFlag("version", "print the version and exit"));
        o.addOption(longArg("detached", "FILE", null));
        return o;
    }

    private static Option arg(String name, String argName, String desc) {
        return Option.builder(name).hasArg().argName(argName).desc(desc).get();
    }

    private static Option flag(String name, String desc) {
        return Option.builder(name).desc(desc).get();
    }

    private static Option longArg(String name, String argName, String desc) {
        return Option.builder().longOpt(name).hasArg().argName(argName).desc(desc).get();
    }

    private static Option optionalArg(String name, String argName, String desc) {
        return Option.builder().longOpt(name).hasArg().optionalArg(true).argName(argName).desc(desc).get();
    }

    private static Option longFlag(String name, String desc) {
        return Option.builder().longOpt(name).desc(desc).get();
    }

    /** Parses the words after the program name, reading the options file. */
    public Invocation parse(List<String> args) throws UsageException {
        return parse(args, this::readFile);
    }

    /**
     * As {@link #parse(List)}, with {@code optionsText} standing for the contents of the options file
     * (the --options one or the default): no file is read. Pure but for the udp service lookup of the
     * constructor, for tests and fuzzing.
     *
     * @throws UsageException the only exception, for any text whatever
     */
    public Invocation parse(List<String> args, String optionsText) throws UsageException {
        return parse(args, (p, explicit) -> optionsText);
    }

    /** Where the options file's text comes from: the file, or a test's string. */
    private interface OptionsText {
        /** The text, or null when the default file is missing (which is fine). */
        String read(Path p, boolean explicit) throws UsageException;
    }

    private Invocation parse(List<String> args, OptionsText optionsText) throws UsageException {
        if (!args.isEmpty() && args.get(0).equals("--simulate")) {
            return new Invocation.Simulate(List.copyOf(args.subList(1, args.size())));
        }
        Source cmd = read(args, "");
        if (cmd.has("simulate")) {
            throw new UsageException("--simulate must be the first argument");
        }
        if (cmd.has("help")) {
            return new Invocation.Help();
        }
        if (cmd.has("version")) {
            return new Invocation.Version();
        }
        Path p = cmd.has("options") ? path(new Val("options", cmd.value("options"), "")) : defaultOptionsFile;
        String text = optionsText.read(p, cmd.has("options"));
        Optional<Path> optionsFile = text == null ? Optional.empty() : Optional.of(p);
        Source file = text == null ? new Source(Map.of(), "") : fileSource(text, p + ": ");
        return new Invocation.Run(build(cmd, file, optionsFile));
    }

    // ---- the options file (issue 9: a size cap, no blocking on a FIFO, clear errors)

    /**
     * The most an options file may hold, bytes: every option with a comment each fits in 2 KiB; 64 KiB
     * leaves room for long comments, and no file the parser is pointed at can cost more than that.
     */
    public static final int MAX_OPTIONS_FILE_BYTES = 64 * 1024;

    /** The options file's text (UTF-8), or null if it is the default one and missing; read through RegularFile. */
    private String readFile(Path p, boolean explicit) throws UsageException {
        byte[] bytes;
        try {
            bytes = RegularFile.read(p, MAX_OPTIONS_FILE_BYTES);
        } catch (NoSuchFileException e) {
            if (!explicit) {
                return null;
            }
            throw new UsageException("--options " + p + ": no such file");
        } catch (IOException e) {
            throw new UsageException("--options " + p + ": cannot read: " + RegularFile.reason(e));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new UsageException("--options " + p + ": cannot read: not UTF-8 text");
        }
    }

    /**
     * The words of an options file: separated by blanks (space, tab, CR, FF, VT) and newlines, a word
     * starting with '#' begins a comment to the end of its line. Pure; never throws.
     */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '\n' || isBlank(c)) {
                i++;
            } else if (c == '#') {
                int eol = text.indexOf('\n', i);
                i = eol < 0 ? n : eol;
            } else {
                int start = i;
                while (i < n && text.charAt(i) != '\n' && !isBlank(text.charAt(i))) {
                    i++;
                }
                words.add(text.substring(start, i));
            }
        }
        return words;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000B';
    }

    /** The options in an options file's text; {@code origin} ("FILE: ") starts every error message. */
    private static Source fileSource(String text, String origin) throws UsageException {
        Source s = read(words(text), origin);
        for (String k : s.values.keySet()) {
            if (COMMAND_LINE_ONLY.contains(k)) {
                throw new UsageException(origin + "--" + k + " is not allowed in an options file");
            }
        }
        return s;
    }

    /** One source of options (the command line, or the file) after Commons CLI has split it. */
    private static final class Source {
        final Map<String, List<String>> values;
        final String origin;

        Source(Map<String, List<String>> values, String origin) {
            this.values = values;
            this.origin = origin;
        }

        boolean has(String k) {
            return values.containsKey(k);
        }

        String value(String k) {
            List<String> v = values.get(k);
            return v == null ? null : v.get(0);
        }

        List<String> all(String k) {
            return values.getOrDefault(k, List.of());
        }

        int count(String k) {
            List<String> v = values.get(k);
            return v == null ? 0 : v.size();
        }
    }

    private static Source read(List<String> words, String origin) throws UsageException {
        CommandLine cl;
        try {
            cl = DefaultParser.builder().setAllowPartialMatching(false).get()
                    .parse(definitions(), words.toArray(new String[0]), false);
        } catch (MissingArgumentException e) {
            Option o = e.getOption();
            throw new UsageException(origin + name(o) + " needs a value (" + o.getArgName() + ")");
        } catch (UnrecognizedOptionException e) {
            throw new UsageException(origin + "unknown option " + e.getOption());
        } catch (ParseException e) {
            throw new UsageException(origin + e.getMessage());
        }
        if (!cl.getArgList().isEmpty()) {
            throw new UsageException(origin + "unexpected argument " + cl.getArgList().get(0));
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (Option o : cl.getOptions()) {
            String k = o.getOpt() != null ? o.getOpt() : o.getLongOpt();
            List<String> list = values.computeIfAbsent(k, x -> new ArrayList<>());
            if (!list.isEmpty() && !FLAGS.contains(k) && !REPEATABLE.contains(k)) {
                throw new UsageException(origin + name(o) + " given more than once");
            }
            list.add(o.hasArg() && o.getValue() != null ? o.getValue() : "");
        }
        return new Source(values, origin);
    }

    private static String name(Option o) {
        return o.getOpt() != null ? "-" + o.getOpt() : "--" + o.getLongOpt();
    }

    /** A value and the source it came from, for error messages. */
    private record Val(String key, String value, String origin) {
        String label() {
            return origin + (key.length() == 1 ? "-" : "--") + key + " " + value;
        }
    }

    /** Picks each option group from the command line if it names any of the group, else from the file. */
    private static final class Merged {
        final Source cmd;
        final Source file;

        Merged(Source cmd, Source file) {
            this.cmd = cmd;
            this.file = file;
        }

        Source sourceFor(String... group) {
            for (String k : group) {
                if (cmd.has(k)) {
                    return cmd;
                }
            }
            return file;
        }

        Val get(String key, String... group) {
            Source s = sourceFor(group.length == 0 ? new String[] {key} : group);
            return s.has(key) ? new Val(key, s.value(key), s.origin) : null;
        }

        boolean flag(String key) {
            return cmd.has(key) || file.has(key);
        }
    }

    private Options build(Source cmd, Source file, Optional<Path> optionsFile) throws UsageException {
        Merged m = new Merged(cmd, file);
        ReferenceConfig d = ReferenceConfig.defaults();

        Source masterSource = m.sourceFor("H", "C");
        List<String> hs = masterSource.all("H");
        Val c = m.get("C", "H", "C");
        if (hs.isEmpty() && c == null) {
            throw new UsageException("one of -H netmaster and -C tty is required");
        }
        Val type = cmd.has("c") ? m.get("c") : (cmd.has("H") || cmd.has("C") ? null : m.get("c"));
        String clockType = d.clockType();
        if (type != null) {
            if (c == null) {
                throw new UsageException(type.origin + "-c applies only to a serial receiver (-C)");
            }
            clockType = clockType(type);
        }
        List<Options.Master> masters = new ArrayList<>();
        for (String h : hs) {
            if (h.isBlank()) {
                throw new UsageException(masterSource.origin + "-H: netmaster must not be empty");
            }
            if (h.indexOf('\0') >= 0) {
                throw new UsageException(masterSource.origin + "-H: netmaster must not contain a NUL character");
            }
            // ops12: a bad -H is a usage error (status 2) naming the file it came from, not a failure at open
            try {
                timeslave.ref.References.spec(h, MAX_PORT);
            } catch (timeslave.time.MeasurementException e) {
                throw new UsageException(masterSource.origin + e.getMessage());
            }
            if (masters.stream().anyMatch(x -> x.spec().equalsIgnoreCase(h))) {
                throw new UsageException(masterSource.origin + "-H " + h + " given twice");
            }
            masters.add(new Options.Master(false, h));
        }
        if (c != null) {
            if (c.value.isBlank()) {
                throw new UsageException(c.origin + "-C: tty must not be empty");
            }
            masters.add(new Options.Master(true, path(c).toString()));
        }
        if (masters.size() > Ensemble.MAX_MEMBERS) {
            throw new UsageException(masterSource.origin + "at most " + Ensemble.MAX_MEMBERS
                    + " masters (-H and -C together), not " + masters.size());
        }

        Val t = m.get("t", "t", "T");
        Val tt = m.get("T", "t", "T");
        int minTrials = d.minTrials();
        int maxTrials = d.maxTrials();
        if (t != null) {
            minTrials = (int) integer(t, 1, MAX_TRIALS, "min-trials must be a whole number from 1 to " + MAX_TRIALS);
        }
        if (tt != null) {
            maxTrials = (int) integer(tt, 1, MAX_TRIALS, "max-trials must be a whole number from 1 to " + MAX_TRIALS);
        }
        if (t != null && tt == null) {
            maxTrials = Math.min(MAX_TRIALS, minTrials * TRIALS_RATIO);
        } else if (t == null && tt != null) {
            minTrials = Math.max(1, maxTrials / TRIALS_RATIO);
        } else if (t != null && minTrials > maxTrials) {
            throw new UsageException(t.origin + "-t " + t.value + " -T " + tt.value
                    + ": min-trials must not exceed max-trials");
        }

        long probeWait = opt(m.get("w"), d.probeWaitNanos(),
                v -> seconds(v, MIN_PROBE_WAIT_S, MAX_PROBE_WAIT_S, "icmp-wait"));
        long dateWait = opt(m.get("W"), d.dateWaitNanos(),
                v -> seconds(v, MIN_DATE_WAIT_S, MAX_DATE_WAIT_S, "time-wait"));
        long rate = opt(m.get("r"), Settings.DEFAULT_RATE_NANOS, v -> seconds(v, MIN_RATE_S, MAX_RATE_S, "rate"));
        Val maxRateVal = m.get("max-rate");
        long maxRate = opt(maxRateVal, 0, v -> duration(v, MIN_RATE_S, MAX_MAX_RATE_S, "max-rate"));
        if (maxRate > 0 && maxRate < rate) {
            throw new UsageException(maxRateVal.label() + ": max-rate must not be shorter than -r "
                    + Options.seconds(rate));
        }
        Val adaptiveVal = m.get("adaptive-rate");
        long[] adaptive = {0, 0};
        if (adaptiveVal != null) {
            String[] mm = adaptiveVal.value.split(":", -1);
            String rule = "adaptive-rate must be MIN:MAX, seconds from " + MIN_RATE_S + " to " + MAX_RATE_S
                    + ", MIN not above MAX";
            if (mm.length != 2 || !DECIMAL.matcher(mm[0]).matches() || !DECIMAL.matcher(mm[1]).matches()) {
                throw new UsageException(adaptiveVal.label() + ": " + rule);
            }
            for (int i = 0; i < 2; i++) {
                BigDecimal s = new BigDecimal(mm[i]);
                if (s.compareTo(MIN_RATE_S) < 0 || s.compareTo(MAX_RATE_S) > 0) {
                    throw new UsageException(adaptiveVal.label() + ": " + rule);
                }
                adaptive[i] = s.movePointRight(9).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
            }
            if (adaptive[0] > adaptive[1]) {
                throw new UsageException(adaptiveVal.label() + ": " + rule);
            }
            if (maxRate > 0) {
                throw new UsageException("--adaptive-rate cannot be used with --max-rate");
            }
        }
        long step = opt(m.get("step-threshold"), Settings.DEFAULT_STEP_THRESHOLD_NANOS,
                v -> seconds(v, MIN_STEP_S, MAX_STEP_S, "step threshold"));
        long maxDrift = opt(m.get("D"), Settings.DEFAULT_MAX_DRIFT_NS_PER_SEC, v -> integer(v, 1,
                MAX_MAX_DRIFT_NS_PER_SEC, "max-drift must be a whole number of ns/s from 1 to "
                        + MAX_MAX_DRIFT_NS_PER_SEC));
        long initDrift = opt(m.get("i"), 0, v -> integer(v, -MAX_INIT_DRIFT_NS_PER_SEC, MAX_INIT_DRIFT_NS_PER_SEC,
                "init-drift must be a whole number of ns/s from -" + MAX_INIT_DRIFT_NS_PER_SEC + " to "
                        + MAX_INIT_DRIFT_NS_PER_SEC));
        int port = port(m.get("p"), d.timePort());

        Val y = m.get("y", "y", "Y");
        boolean bigY = m.sourceFor("y", "Y").has("Y");
        Val p = m.get("P");
        Optional<Path> timetrim = p == null ? Optional.empty() : Optional.of(path(p));
        if (y != null && bigY) {
            throw new UsageException(y.origin + "-y and -Y cannot be used together");
        }
        if (bigY && timetrim.isEmpty()) {
            throw new UsageException(m.sourceFor("y", "Y").origin + "-Y requires -P");
        }
        OptionalInt year = OptionalInt.empty();
        if (y != null) {
            if (!YEAR.matcher(y.value).matches()) {
                throw yearError(y);
            }
            int yy = Integer.parseInt(y.value);
            if (yy < MIN_YEAR || yy > MAX_YEAR) {
                throw yearError(y);
            }
            year = OptionalInt.of(yy);
        }

        boolean measureOnly = m.flag("m");
        boolean once = cmd.has("once");
        boolean set = cmd.has("set");
        if (set && !once) {
            throw new UsageException("--set requires --once");
        }
        if (set && measureOnly) {
            throw new UsageException("--set cannot be used with -m");
        }
        // --- panic limit (issue 9) ---
        long panic = opt(m.get("panic"), Settings.DEFAULT_PANIC_NANOS,
                v -> seconds(v, BigDecimal.ZERO, MAX_PANIC_S, "panic"));
        boolean force = cmd.has("force");
        // ops12: the daemon takes --force too (adjust while another time daemon does); --once only with --set
        if (force && once && !set) {
            throw new UsageException("--force requires --once --set");
        }
        if (force && measureOnly) {
            throw new UsageException("--force cannot be used with -m");
        }
        int debug = cmd.has("d") ? cmd.count("d") : file.count("d");
        Val syslog = m.get("syslog");
        Val leap = m.get("leap-seconds");
        Val ready = m.get("detached");
        Settings.Leap leapMode = leapMode(m.get("leap"));
        Options.Ops ops = ops(m);
        // least privilege (-u): the name's form here; whether the user exists is checked at start
        Val u = m.get("u");
        if (u != null && !USER.matcher(u.value).matches()) {
            throw new UsageException(u.label() + ": user must be a user name: letters, digits, dot, underscore, hyphen");
        }
        timeslave.serve.Serving.Config serve = serveConfig(m, once);
        return new Options(masters.get(0).serial(), masters.get(0).spec(), clockType, timetrim, measureOnly, debug,
                m.flag("B"), m.flag("q") || m.flag("Q"), probeWait, dateWait, minTrials, maxTrials, rate, maxRate,
                adaptive[0], adaptive[1], port,
                maxDrift, initDrift,
                year, bigY, once, set, syslog == null ? Optional.of(DEFAULT_SYSLOG)
                        : syslog.value.equals(NO_SYSLOG) ? Optional.empty() : Optional.of(path(syslog)), step,
                leap == null ? d.leapSecondsFile() : path(leap),
                ready == null ? Optional.empty() : Optional.of(path(ready)), optionsFile, leapMode,
                List.copyOf(masters), panic, force,
                u == null ? Optional.empty() : Optional.of(u.value), serve, ops, m.get("i") != null);
    }

    /** Serving (issue 11): --serve-ntp/-taiclock/-time, --serve-unsynchronised, --serve-true-tai, --serve-rate-limit, --clockbound-shm. */
    private timeslave.serve.Serving.Config serveConfig(Merged m, boolean once) throws UsageException {
        List<java.net.InetSocketAddress> ntp = ServeConfig.endpoints(m.sourceFor("serve-ntp").all("serve-ntp"),
                "serve-ntp", ServeConfig.NTP_PORT, m.sourceFor("serve-ntp").origin);
        List<java.net.InetSocketAddress> tai = ServeConfig.endpoints(m.sourceFor("serve-taiclock").all("serve-taiclock"),
                "serve-taiclock", ServeConfig.TAICLOCK_PORT, m.sourceFor("serve-taiclock").origin);
        List<java.net.InetSocketAddress> time = ServeConfig.endpoints(m.sourceFor("serve-time").all("serve-time"),
                "serve-time", ServeConfig.TIME_PORT, m.sourceFor("serve-time").origin);
        Val rate = m.get("serve-rate-limit");
        double[] limit = ServeConfig.rateLimit(rate == null ? ServeConfig.DEFAULT_RATE_LIMIT : rate.value,
                rate == null ? "" : rate.label());
        Val shm = m.get("clockbound-shm");
        boolean trueTai = m.flag("serve-true-tai");
        if (trueTai && tai.isEmpty()) {
            throw new UsageException("--serve-true-tai requires --serve-taiclock");
        }
        timeslave.serve.Serving.Config c = new timeslave.serve.Serving.Config(ntp, tai, time,
                m.flag("serve-unsynchronised"), trueTai, limit[0], (int) limit[1],
                shm == null ? Optional.empty() : Optional.of(path(shm)));
        if (once && c.any()) {
            throw new UsageException("--once cannot serve (--serve-ntp, --serve-taiclock, --serve-time, --clockbound-shm)");
        }
        return c;
    }

    // ops12: --control, --metrics, --statsdir.
    private Options.Ops ops(Merged m) throws UsageException {
        Val control = m.get("control");
        Optional<Path> socket = control == null ? Optional.of(timeslave.control.ControlServer.DEFAULT_PATH)
                : control.value.equals(NO_CONTROL) ? Optional.empty() : Optional.of(path(control));
        if (control != null && control.value.isBlank()) {
            throw new UsageException(control.label() + ": control must be a socket path or none");
        }
        Val metrics = m.get("metrics");
        String host = "127.0.0.1";
        int port = 0;
        if (metrics != null) {
            java.util.regex.Matcher mm = METRICS.matcher(metrics.value);
            String rule = "metrics must be [ADDRESS:]PORT, PORT from 1 to " + MAX_PORT;
            if (!mm.matches()) {
                throw new UsageException(metrics.label() + ": " + rule);
            }
            port = Integer.parseInt(mm.group(2));
            if (port < 1 || port > MAX_PORT) {
                throw new UsageException(metrics.label() + ": " + rule);
            }
            if (mm.group(1) != null) {
                host = mm.group(1).startsWith("[") ? mm.group(1).substring(1, mm.group(1).length() - 1) : mm.group(1);
            }
        }
        Val stats = m.get("statsdir");
        if (stats != null && stats.value.isBlank()) {
            throw new UsageException(stats.label() + ": statsdir must be a directory");
        }
        return new Options.Ops(socket, host, port, stats == null ? Optional.empty() : Optional.of(path(stats)));
    }
    // end ops12

    private interface Conv {
        long apply(Val v) throws UsageException;
    }

    private static long opt(Val v, long dflt, Conv conv) throws UsageException {
        return v == null ? dflt : conv.apply(v);
    }

    private static Settings.Leap leapMode(Val v) throws UsageException {
        if (v == null) {
            return Settings.Leap.KERNEL;
        }
        return switch (v.value) {
            case "kernel" -> Settings.Leap.KERNEL;
            case "smear" -> Settings.Leap.SMEAR;
            case "ignore" -> Settings.Leap.IGNORE;
            default -> throw new UsageException(v.label() + ": leap must be kernel, smear or ignore");
        };
    }

    private static UsageException yearError(Val y) {
        return new UsageException(y.label() + ": year must be a four-digit year from " + MIN_YEAR + " to " + MAX_YEAR);
    }

    private static String clockType(Val v) throws UsageException {
        if (CLOCK_TYPE_PST.matcher(v.value).matches()) {
            return "PST_WWV";
        }
        if (CLOCK_TYPE_TRC.matcher(v.value).matches()) {
            return "TRC_WWV";
        }
        if (CLOCK_TYPE_TT600.matcher(v.value).matches()) {
            return "TT600";
        }
        throw new UsageException(v.label() + ": clock-type must be PST_WWV, TRC_WWV (or Traconix_WWV) or TT600");
    }

    private static long integer(Val v, long min, long max, String rule) throws UsageException {
        if (!INTEGER.matcher(v.value).matches()) {
            throw new UsageException(v.label() + ": " + rule);
        }
        long n = Long.parseLong(v.value);
        if (n < min || n > max) {
            throw new UsageException(v.label() + ": " + rule);
        }
        return n;
    }

    /** Decimal seconds (at most 9 decimals) to ns, within [min, max] seconds. */
    private static long seconds(Val v, BigDecimal min, BigDecimal max, String what) throws UsageException {
        String rule = what + " must be from " + min.toPlainString() + " to " + max.toPlainString() + " seconds";
        if (!DECIMAL.matcher(v.value).matches()) {
            throw new UsageException(v.label() + ": " + rule);
        }
        BigDecimal s = new BigDecimal(v.value);
        if (s.compareTo(min) < 0 || s.compareTo(max) > 0) {
            throw new UsageException(v.label() + ": " + rule);
        }
        return s.movePointRight(9).longValueExact();
    }

    /** A duration: decimal seconds, or decimal with a unit s, m, h or d, to ns within [min, max] seconds. */
    private static long duration(Val v, BigDecimal min, BigDecimal max, String what) throws UsageException {
        String rule = what + " must be from " + min.toPlainString() + " seconds to " + max.divide(
                DURATION_UNITS.get("d")).toPlainString() + " days (seconds, or a number with s, m, h or d: 90d)";
        java.util.regex.Matcher dm = DURATION.matcher(v.value);
        if (!dm.matches()) {
            throw new UsageException(v.label() + ": " + rule);
        }
        BigDecimal s = new BigDecimal(dm.group(1)).multiply(DURATION_UNITS.get(dm.group(2)));
        if (s.compareTo(min) < 0 || s.compareTo(max) > 0) {
            throw new UsageException(v.label() + ": " + rule);
        }
        return s.movePointRight(9).setScale(0, java.math.RoundingMode.HALF_EVEN).longValueExact();
    }

    private int port(Val v, int fallback) throws UsageException {
        if (v == null) {
            return udpServices.apply(TIME_SERVICE).orElse(fallback);
        }
        String rule = "port must be a number from 1 to " + MAX_PORT + " or a udp service name in /etc/services";
        if (v.value.matches("[0-9]+")) {
            return (int) integer(v, 1, MAX_PORT, rule);
        }
        if (v.value.isEmpty() || v.value.startsWith("-") || v.value.startsWith("+")) {
            throw new UsageException(v.label() + ": " + rule);
        }
        OptionalInt n = udpServices.apply(v.value);
        if (n.isEmpty()) {
            throw new UsageException(v.label() + ": unknown udp service; " + rule);
        }
        return n.getAsInt();
    }

    /** A path option's value, resolved from the base directory; a NUL (only an options file can hold one) is an error. */
    private Path path(Val v) throws UsageException {
        try {
            return baseDir.resolve(v.value).normalize();
        } catch (InvalidPathException e) {
            throw new UsageException(v.origin + (v.key.length() == 1 ? "-" : "--") + v.key
                    + ": path must not contain a NUL character");
        }
    }

    /** The short usage printed after every command-line error. */
    public static String usage() {
        return String.join("\n",
                "usage: timeslave [-mdBqY] [-w icmp-wait] [-W time-wait] [-t min-trials] [-T max-trials] [-r rate]",
                "                 [--max-rate DURATION | --adaptive-rate MIN:MAX]",
                "                 [-p port] [-D max-drift] [-i init-drift] [-y year] [-P param-file] [-c clock-type]",
                "                 [--options FILE] [--syslog PATH] [--step-threshold SECONDS] [--leap-seconds FILE]",
                "                 [--leap kernel|smear|ignore] [--panic SECONDS] [-u user]",
                "                 [--control PATH|none] [--metrics [ADDR:]PORT] [--statsdir DIR] [--force]",
                "                 [--serve-ntp [ADDR:]PORT] [--serve-taiclock [ADDR:]PORT] [--serve-time [ADDR:]PORT]",
                "                 [--serve-unsynchronised] [--serve-true-tai] [--serve-rate-limit RATE[/BURST]]",
                "                 [--clockbound-shm PATH]",
                "                 [--once [--set [--force]]] -H netmaster ... [-C tty] | -C tty",
                "       timeslave --simulate [scenario] | --help | --version");
    }

    /** --help: the usage, then every option with its range and [default]. */
    public static String help() {
        StringBuilder b = new StringBuilder(usage()).append("\n\noptions ([default]):\n");
        for (Option o : definitions().getOptions()) {
            if (o.getDescription() == null) {
                continue;
            }
            String left = name(o) + (o.hasArg() ? " " + o.getArgName() : "");
            b.append(String.format(Locale.ROOT, "  %-26s %s%n", left, o.getDescription()));
        }
        return b.toString();
    }
}
