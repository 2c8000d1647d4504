package timeslave.sim;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a scenario file ({@code timeslave --simulate --scenario FILE}, the benchmark's rows and
 * grid): one setting per line, {@code KEY VALUE...}, {@code #} to the end of a line a comment;
 * every key not given keeps {@link Scenario#defaults()}. Strict: an unknown key, a key given twice,
 * a missing or extra value, a number out of range or a time without its unit is refused with
 * {@code FILE:LINE: what is wrong}. The format is documented in timeslave-scenario(5).
 */
public final class ScenarioFile {
    private ScenarioFile() {
    }

    /** Where the shipped scenarios live on the class path (and, installed, in /usr/share/timeslave/scenarios). */
    static final String RESOURCE_DIR = "/timeslave/scenarios/";
    /** Longest run a file may ask for, s (a year: the simulator's own limit is the user's patience). */
    static final long MAX_DURATION_SEC = 366L * 86_400;
    /** Largest initial offset, s (a century either way). */
    static final double MAX_OFFSET_SEC = 3.2e9;
    /** Largest oscillator frequency error, ppm (a broken crystal is below 1000). */
    static final double MAX_FREQUENCY_PPM = 100_000;
    /** Largest wander, per √s. */
    static final double MAX_WANDER = 1e-5;
    /** Longest one-way base delay, spike or jitter mean, ns (10 s). */
    static final long MAX_DELAY_NANOS = 10_000_000_000L;
    /** -r and --max-rate limits, s, as on the command line. */
    static final long MIN_RATE_SEC = 5;
    static final long MAX_RATE_SEC = 86_400;
    static final long MAX_LONG_RATE_SEC = 31_536_000;
    static final int MAX_PROBES = 200;
    static final int MAX_SEEDS = 10_000;
    static final int MAX_GAMMA_K = 100;
    static final int MAX_LINE_CHARS = 1_000;
    static final int MAX_LINES = 10_000;

    /** A scenario file that cannot be used: the message is {@code FILE:LINE: reason}. */
    public static final class BadScenario extends Exception {
        BadScenario(String source, int line, String reason) {
            super(source + (line > 0 ? ":" + line : "") + ": " + reason);
        }
    }

    /** A parsed file: the scenario as a report row, and how many seeds to run it over. */
    record Parsed(Report.Row row, int seeds) {
    }

    /** Reads and parses {@code file}. */
    static Parsed read(Path file) throws BadScenario {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            throw new BadScenario(file.toString(), 0, "cannot read: " + e.getMessage());
        }
        String base = file.getFileName() == null ? "scenario" : file.getFileName().toString();
        return parse(file.toString(), base.replaceFirst("\\.scenario$", ""), new String(bytes, StandardCharsets.UTF_8));
    }

    /** A shipped scenario by name (the class-path resource timeslave/scenarios/NAME.scenario). */
    static Report.Row shipped(String name) {
        String text = resource(name + ".scenario");
        try {
            return parse(RESOURCE_DIR.substring(1) + name + ".scenario", name, text).row();
        } catch (BadScenario e) {
            throw new IllegalStateException("shipped scenario: " + e.getMessage(), e);
        }
    }

    /** The shipped scenarios named, one a line, in list file {@code list} (benchmark.list, grid.list). */
    static List<Report.Row> shippedList(String list) {
        List<Report.Row> rows = new ArrayList<>();
        for (String line : resource(list).split("\n")) {
            String name = line.replaceFirst("#.*", "").strip();
            if (!name.isEmpty()) {
                rows.add(shipped(name));
            }
        }
        return rows;
    }

    private static String resource(String name) {
        try (InputStream in = ScenarioFile.class.getResourceAsStream(RESOURCE_DIR + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + RESOURCE_DIR + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read resource " + RESOURCE_DIR + name, e);
        }
    }

    /**
     * Parses a scenario file's text.
     *
     * @param source      the file's name in messages
     * @param defaultName the scenario's name if the file gives none
     */
    static Parsed parse(String source, String defaultName, String text) throws BadScenario {
        return new Parser(source, defaultName).parse(text);
    }

    /**
     * Parses a scenario file's text into the scenario it describes (the fuzz target's entry).
     *
     * @throws BadScenario with {@code source:LINE: reason}
     */
    public static Scenario scenario(String source, String text) throws BadScenario {
        return parse(source, "scenario", text).row().scenario();
    }

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d{1,3})?");
    private static final Pattern QUANTITY = Pattern.compile("(" + NUMBER.pattern() + ")([a-z]*)");
    /** Time units → ns. */
    private static final Map<String, BigDecimal> TIME_UNITS = Map.of("ns", BigDecimal.ONE, "us", BigDecimal.valueOf(1_000),
            "ms", BigDecimal.valueOf(1_000_000), "s", BigDecimal.valueOf(1_000_000_000L),
            "min", BigDecimal.valueOf(60_000_000_000L), "h", BigDecimal.valueOf(3_600_000_000_000L),
            "d", BigDecimal.valueOf(86_400_000_000_000L));
    private static final BigDecimal NANOS_PER_SEC = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal NANOS_PER_MICRO = BigDecimal.valueOf(1_000);

    /** One file's parse: each key's handler reads its values from the current line. */
    private static final class Parser {
        private final String source;
        private Scenario s;
        private String name;
        private String label;
        private final Map<String, Integer> seen = new HashMap<>();
        private int lineNo;
        private String key;
        private String[] words;
        // The path, built at the end: symmetric(base, jitter), then shape, asymmetry, loss, spikes, noise, correlation.
        private long baseNanos;
        private double jitterNanos;
        private SimPath.Jitter shape = SimPath.Jitter.EXP;
        private Double asymmetry;
        private double loss;
        private double spikeP;
        private long spikeNanos;
        private double serverNoiseNanos;
        private double correlationSec;
        private int seeds = Report.DEFAULT_SEEDS;
        private double budget = Double.POSITIVE_INFINITY;
        private double[] chrony5 = {Report.NO_FIGURE, Report.NO_FIGURE};
        private double[] chrony10 = {Report.NO_FIGURE, Report.NO_FIGURE};
        private double chronyBound = Report.NO_FIGURE;
        private long statsFromSec = -1;
        private boolean exactTrim;

        Parser(String source, String defaultName) {
            this.source = source;
            this.name = defaultName;
            this.s = Scenario.defaults();
            SimPath p = s.path();
            baseNanos = p.baseNanos();
            jitterNanos = p.upJitterNanos();
        }

        Parsed parse(String text) throws BadScenario {
            String[] lines = text.split("\n", -1);
            if (lines.length > MAX_LINES) {
                throw new BadScenario(source, MAX_LINES + 1, "too many lines (at most " + MAX_LINES + ")");
            }
            for (int i = 0; i < lines.length; i++) {
                lineNo = i + 1;
                String line = lines[i];
                if (line.length() > MAX_LINE_CHARS) {
                    throw bad("line longer than " + MAX_LINE_CHARS + " characters");
                }
                int hash = line.indexOf('#');
                line = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (line.isEmpty()) {
                    continue;
                }
                for (int c = 0; c < line.length(); c++) {
                    char ch = line.charAt(c);
                    if (ch < 0x20 && ch != '\t' || ch == 0x7f) {
                        throw bad(String.format(Locale.ROOT, "control character 0x%02x", (int) ch));
                    }
                }
                words = line.split("[ \t]+");
                key = words[0];
                boolean repeatable = key.equals("at");
                Integer first = seen.putIfAbsent(key, lineNo);
                if (first != null && !repeatable) {
                    throw bad("'" + key + "' given twice (first on line " + first + ")");
                }
                apply();
            }
            lineNo = 0;
            if (statsFromSec >= 0) {
                if (statsFromSec >= s.seconds) {
                    throw new BadScenario(source, seen.get("statistics-from"),
                            "statistics-from must be before the end of the run (" + s.seconds + " s)");
                }
                s = s.statsFromSec(statsFromSec);
            } else {
                s = s.statsFromSec(Math.min(s.statsFromSec, s.seconds / 2));
            }
            for (long at : new long[] {s.freqStepAtSec, s.externalStepAtSec, s.lieAtSec, s.jumpAtSec, s.silentFromSec}) {
                if (at >= s.seconds) {
                    throw new BadScenario(source, seen.get("at"), "an event at " + at + " s is after the end of the run ("
                            + s.seconds + " s)");
                }
            }
            if (seen.containsKey("adaptive-rate") && seen.containsKey("max-rate")) {
                throw new BadScenario(source, Math.max(seen.get("adaptive-rate"), seen.get("max-rate")),
                        "adaptive-rate and max-rate cannot be used together");
            }
            SimPath p = SimPath.symmetric(baseNanos, jitterNanos).withJitter(shape);
            if (asymmetry != null) {
                p = p.withJitterAsymmetry(asymmetry);
            }
            if (loss > 0) {
                p = p.withLoss(loss);
            }
            if (spikeP > 0) {
                p = p.withSpikes(spikeP, spikeNanos);
            }
            if (serverNoiseNanos > 0) {
                p = p.withServerNoise(serverNoiseNanos);
            }
            if (correlationSec > 0) {
                p = p.withCorrelation(correlationSec);
            }
            s = s.path(p).name(name);
            if (exactTrim) {
                s = s.exactSavedTrim();
            }
            Report.Row row = new Report.Row(name, label == null ? name : label, s, budget, chrony5[0], chrony5[1],
                    chrony10[0], chrony10[1], chronyBound);
            return new Parsed(row, seeds);
        }

        private void apply() throws BadScenario {
            switch (key) {
                case "name" -> {
                    args(1);
                    if (!NAME.matcher(words[1]).matches()) {
                        throw bad("name: letters, digits, '.', '_' and '-', at most 64, not '" + words[1] + "'");
                    }
                    name = words[1];
                }
                case "label" -> {
                    if (words.length < 2) {
                        throw bad("label needs a text");
                    }
                    label = String.join(" ", java.util.Arrays.copyOfRange(words, 1, words.length));
                }
                case "duration" -> {
                    args(1);
                    s = s.seconds(wholeSeconds(1, 1, MAX_DURATION_SEC));
                }
                case "statistics-from" -> {
                    args(1);
                    statsFromSec = wholeSeconds(1, 0, MAX_DURATION_SEC);
                }
                case "seeds" -> {
                    args(1);
                    seeds = (int) integer(1, 1, MAX_SEEDS);
                }
                case "offset" -> {
                    args(1);
                    s = s.offsetSec(seconds(1, -MAX_OFFSET_SEC, MAX_OFFSET_SEC));
                }
                case "frequency" -> {
                    args(1);
                    s = s.freqPpm(ppm(1));
                }
                case "wander" -> {
                    args(1);
                    s = s.wander(plain(1, 0, MAX_WANDER));
                }
                case "delay" -> {
                    args(1);
                    baseNanos = Math.round(nanos(1, 0, MAX_DELAY_NANOS));
                }
                case "jitter" -> jitter();
                case "asymmetry" -> {
                    args(1);
                    asymmetry = plain(1, -0.5, 0.5);
                }
                case "loss" -> {
                    args(1);
                    loss = plain(1, 0, 0.99);
                }
                case "spikes" -> {
                    args(2);
                    spikeP = plain(1, 0, 1);
                    spikeNanos = Math.round(nanos(2, 0, MAX_DELAY_NANOS));
                }
                case "server-noise" -> {
                    args(1);
                    serverNoiseNanos = nanos(1, 0, 1e9);
                }
                case "correlation" -> {
                    args(1);
                    correlationSec = seconds(1, 0, 1e6);
                }
                case "at" -> event();
                case "rate" -> {
                    args(1);
                    s = s.rateSec(seconds(1, MIN_RATE_SEC, MAX_RATE_SEC));
                }
                case "max-rate" -> {
                    args(1);
                    s = s.maxRateSec(seconds(1, MIN_RATE_SEC, MAX_LONG_RATE_SEC));
                }
                case "adaptive-rate" -> {
                    args(2);
                    double min = seconds(1, MIN_RATE_SEC, MAX_RATE_SEC);
                    double max = seconds(2, MIN_RATE_SEC, MAX_RATE_SEC);
                    if (max < min) {
                        throw bad("adaptive-rate: the longest interval " + words[2] + " is shorter than the shortest "
                                + words[1]);
                    }
                    s = s.adaptiveRateSec(min, max);
                }
                case "probes" -> {
                    args(1);
                    s = s.probes((int) integer(1, 1, MAX_PROBES));
                }
                case "step-threshold" -> {
                    args(1);
                    s = s.settings(s.settings().withStepThresholdNanos(Math.round(nanos(1, 1e6, 86_400e9))));
                }
                case "timetrim" -> {
                    args(1);
                    if (!words[1].equals("exact")) {
                        throw bad("timetrim: only 'exact' (a saved timetrim holding the true correction), not '"
                                + words[1] + "'");
                    }
                    exactTrim = true;
                }
                case "chrony-packets" -> {
                    args(1);
                    budget = plain(1, 0, 1e6);
                }
                case "chrony-seeds-1-5" -> {
                    args(2);
                    chrony5 = new double[] {micros(1), micros(2)};
                }
                case "chrony-seeds-1-10" -> {
                    args(2);
                    chrony10 = new double[] {micros(1), micros(2)};
                }
                case "chrony-bound" -> {
                    args(1);
                    chronyBound = micros(1);
                }
                default -> throw bad("unknown key '" + key + "'; known: " + String.join(" ", KEYS));
            }
        }

        private void jitter() throws BadScenario {
            if (words.length < 2) {
                throw bad("jitter needs a mean, e.g. 'jitter 100us' or 'jitter 100us gamma 2'");
            }
            jitterNanos = nanos(1, 0, MAX_DELAY_NANOS);
            String kind = words.length > 2 ? words[2] : "exp";
            switch (kind) {
                case "exp" -> {
                    args(words.length > 2 ? 2 : 1);
                    shape = SimPath.Jitter.EXP;
                }
                case "gamma" -> {
                    args(3);
                    shape = SimPath.Jitter.gamma((int) integer(3, 1, MAX_GAMMA_K));
                }
                case "mixture" -> {
                    args(5);
                    double p2 = plain(3, 0, 1);
                    double m1 = plain(4, 0, 1e6);
                    double m2 = plain(5, 0, 1e6);
                    if (!((1 - p2) * m1 + p2 * m2 > 0)) {
                        throw bad("jitter mixture: the mean (1-P)*M1 + P*M2 must be above 0");
                    }
                    shape = SimPath.Jitter.mixture(p2, m1, m2);
                }
                default -> throw bad("jitter shape: exp, gamma K or mixture P M1 M2, not '" + kind + "'");
            }
        }

        private void event() throws BadScenario {
            if (words.length < 3) {
                throw bad("at needs a time and an event, e.g. 'at 50000s freq-step 1ppm'");
            }
            long at = wholeSeconds(1, 0, MAX_DURATION_SEC);
            String what = words[2];
            String eventKey = "at " + what;
            Integer first = seen.putIfAbsent(eventKey, lineNo);
            if (first != null) {
                throw bad("a second '" + what + "' event (first on line " + first + "); one of each per scenario");
            }
            switch (what) {
                case "freq-step" -> {
                    args(3);
                    s = s.freqStep(at, ppmAt(3));
                }
                case "clock-step" -> {
                    args(3);
                    s = s.externalStep(at, seconds(3, -MAX_OFFSET_SEC, MAX_OFFSET_SEC));
                }
                case "reference-lies" -> {
                    args(3);
                    s = s.lieOnce(at, seconds(3, -MAX_OFFSET_SEC, MAX_OFFSET_SEC));
                }
                case "reference-jumps" -> {
                    args(3);
                    s = s.masterJumps(at, seconds(3, -MAX_OFFSET_SEC, MAX_OFFSET_SEC));
                }
                case "silent-for" -> {
                    args(3);
                    s = s.silent(at, at + wholeSeconds(3, 1, MAX_DURATION_SEC));
                }
                default -> throw bad("unknown event '" + what + "'; known: freq-step clock-step reference-lies"
                        + " reference-jumps silent-for");
            }
        }

        private void args(int n) throws BadScenario {
            if (words.length - 1 != n) {
                throw bad(key + (key.equals("at") ? " " + words[2] : "") + " takes " + n + " value" + (n == 1 ? "" : "s")
                        + ", got " + (words.length - 1));
            }
        }

        private BadScenario bad(String reason) {
            return new BadScenario(source, lineNo, reason);
        }

        /** A plain number (no unit) in [min, max]. */
        private double plain(int i, double min, double max) throws BadScenario {
            if (!NUMBER.matcher(words[i]).matches()) {
                throw bad(key + ": '" + words[i] + "' is not a number");
            }
            return inRange(new BigDecimal(words[i]).doubleValue(), min, max, words[i]);
        }

        private long integer(int i, long min, long max) throws BadScenario {
            if (!words[i].matches("[0-9]{1,9}")) {
                throw bad(key + ": '" + words[i] + "' is not a whole number");
            }
            return (long) inRange(Long.parseLong(words[i]), min, max, words[i]);
        }

        private double inRange(double v, double min, double max, String text) throws BadScenario {
            if (!(v >= min && v <= max)) {
                throw bad(String.format(Locale.ROOT, "%s: %s is out of range %s to %s", key, text, num(min), num(max)));
            }
            return v;
        }

        private static String num(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
        }

        /** A time with its unit (ns us ms s min h d), in ns, exact to the nearest double. */
        private BigDecimal time(int i) throws BadScenario {
            Matcher m = QUANTITY.matcher(words[i]);
            if (!m.matches()) {
                throw bad(key + ": '" + words[i] + "' is not a time (a number and a unit: ns us ms s min h d)");
            }
            BigDecimal unit = TIME_UNITS.get(m.group(m.groupCount()));
            if (unit == null) {
                throw bad(key + ": '" + words[i] + "' needs a time unit: ns us ms s min h d");
            }
            return new BigDecimal(m.group(1)).multiply(unit);
        }

        private double nanos(int i, double min, double max) throws BadScenario {
            return inRange(time(i).doubleValue(), min, max, words[i]);
        }

        private double seconds(int i, double min, double max) throws BadScenario {
            double v = time(i).divide(NANOS_PER_SEC).doubleValue();
            return inRange(v, min, max, words[i]);
        }

        private long wholeSeconds(int i, long min, long max) throws BadScenario {
            BigDecimal sec = time(i).divide(NANOS_PER_SEC);
            if (sec.stripTrailingZeros().scale() > 0) {
                throw bad(key + ": '" + words[i] + "' is not a whole number of seconds");
            }
            return (long) inRange(sec.doubleValue(), min, max, words[i]);
        }

        private double micros(int i) throws BadScenario {
            return inRange(time(i).divide(NANOS_PER_MICRO).doubleValue(), 0, 1e12, words[i]);
        }

        /** A frequency: NUMBER with ppm or ppb, in ppm. */
        private double ppm(int i) throws BadScenario {
            return ppmAt(i);
        }

        private double ppmAt(int i) throws BadScenario {
            Matcher m = QUANTITY.matcher(words[i]);
            String unit = m.matches() ? m.group(m.groupCount()) : "";
            BigDecimal v;
            if (unit.equals("ppm")) {
                v = new BigDecimal(m.group(1));
            } else if (unit.equals("ppb")) {
                v = new BigDecimal(m.group(1)).movePointLeft(3);
            } else {
                throw bad(key + ": '" + words[i] + "' is not a frequency (a number and ppm or ppb)");
            }
            return inRange(v.doubleValue(), -MAX_FREQUENCY_PPM, MAX_FREQUENCY_PPM, words[i]);
        }
    }

    /** Every key, for the message about an unknown one. */
    static final List<String> KEYS = List.of("name", "label", "duration", "statistics-from", "seeds", "offset",
            "frequency", "wander", "delay", "jitter", "asymmetry", "loss", "spikes", "server-noise", "correlation",
            "at", "rate", "max-rate", "adaptive-rate", "probes", "step-threshold", "timetrim", "chrony-packets", "chrony-seeds-1-5",
            "chrony-seeds-1-10", "chrony-bound");
}
