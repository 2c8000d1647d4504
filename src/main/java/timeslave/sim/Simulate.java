package timeslave.sim;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/**
 * {@code timeslave --simulate [scenario | --scenario FILE] [--seed N] [--days D | --seconds S] [--quiet] [-d N]
 * [--report all|grid|ROW] [--seeds N]}: runs the real core in a simulated world and prints its log
 * (virtual timestamps) and a summary measured against the truth. Same seed, same output. With
 * {@code --scenario FILE} (the format: {@link ScenarioFile}) and no {@code --seed}, the file's
 * scenario runs over seeds 1..N and prints the benchmark's figures for it.
 */
public final class Simulate {
    private Simulate() {
    }

    /** Runs the simulator directly (scripts/accuracy-report); the daemon's own entry is {@code timeslave --simulate}. */
    public static void main(String[] args) {
        System.exit(run(List.of(args), System.out, System.err));
    }

    static final String USAGE = "usage: timeslave --simulate [scenario | --scenario FILE] [--seed N] [--days D | --seconds S] [--quiet]"
            + " [-d N] [--report all|grid|ROW] [--seeds N] [--statsdir DIR]";

    /**
     * Runs the simulator with the words that followed --simulate.
     *
     * @return the process exit status (0 ok, 2 bad arguments)
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        String scenarioName = "default";
        long seed = 1;
        boolean seedGiven = false;
        Integer seedsGiven = null;
        String file = null;
        Long seconds = null;
        boolean quiet = false;
        int debug = 0;
        String report = null;
        int seeds = Report.DEFAULT_SEEDS;
        java.nio.file.Path statsDir = null;
        try {
            for (int i = 0; i < args.size(); i++) {
                String a = args.get(i);
                switch (a) {
                    case "--seed" -> {
                        seed = Long.parseLong(value(args, ++i, a));
                        seedGiven = true;
                    }
                    case "--scenario" -> file = value(args, ++i, a);
                    case "--days" -> seconds = Math.round(Double.parseDouble(value(args, ++i, a)) * 86_400);
                    case "--seconds" -> seconds = Long.parseLong(value(args, ++i, a));
                    case "--quiet" -> quiet = true;
                    case "-d" -> debug = Integer.parseInt(value(args, ++i, a));
                    case "--report" -> report = value(args, ++i, a);
                    case "--seeds" -> {
                        seeds = Integer.parseInt(value(args, ++i, a));
                        seedsGiven = seeds;
                    }
                    case "--statsdir" -> statsDir = java.nio.file.Path.of(value(args, ++i, a));
                    case "--help" -> {
                        out.println(USAGE);
                        out.println("scenarios: " + String.join(" ", Scenarios.names()));
                        out.println("report rows: all " + String.join(" ", Report.rowNames()) + "; also "
                                + LongBaselineReport.NAME);
                        return 0;
                    }
                    default -> {
                        if (a.startsWith("-") || i > 0 && !scenarioName.equals("default")) {
                            throw new IllegalArgumentException("unknown argument " + a);
                        }
                        scenarioName = a;
                    }
                }
            }
            if (seconds != null && seconds <= 0) {
                throw new IllegalArgumentException("the run must last at least 1 s");
            }
            if (seeds < 1) {
                throw new IllegalArgumentException("--seeds must be at least 1");
            }
            if (file != null && (report != null || !scenarioName.equals("default"))) {
                throw new IllegalArgumentException("--scenario FILE goes alone, without a scenario name or --report");
            }
        } catch (NumberFormatException e) {
            err.println("timeslave: --simulate: not a number: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IllegalArgumentException e) {
            err.println("timeslave: --simulate: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (LongBaselineReport.NAME.equals(report)) {
            return LongBaselineReport.run(seeds, out);
        }
        if (report != null) {
            return Report.run(report, seeds, seconds, out, err);
        }
        Scenario scenario;
        if (file != null) {
            ScenarioFile.Parsed parsed;
            try {
                parsed = ScenarioFile.read(java.nio.file.Path.of(file));
            } catch (ScenarioFile.BadScenario e) {
                err.println("timeslave: --simulate: " + e.getMessage());
                return 2;
            } catch (java.nio.file.InvalidPathException e) {
                err.println("timeslave: --simulate: --scenario " + file + ": not a file name: " + e.getMessage());
                return 2;
            }
            Report.Row row = parsed.row();
            if (seconds != null) {
                row = row.withScenario(row.scenario().seconds(seconds).statsFromSec(Math.min(3_600, seconds / 2)));
            }
            if (!seedGiven) {
                return Report.scenarioFile(file, row, seedsGiven != null ? seedsGiven : parsed.seeds(), out);
            }
            scenario = row.scenario();
        } else {
            scenario = Scenarios.named(scenarioName);
        }
        if (scenario == null) {
            err.println("timeslave: --simulate: no scenario " + scenarioName + "; known: "
                    + String.join(" ", Scenarios.names()));
            return 2;
        }
        if (seconds != null && file == null) {
            scenario = scenario.seconds(seconds).statsFromSec(Math.min(3_600, seconds / 2));
        }
        SimRun run = new SimRun(scenario, seed, quiet ? null : out, debug);
        if (statsDir != null) {
            try {
                java.nio.file.Files.createDirectories(statsDir);
            } catch (java.io.IOException e) {
                err.println("timeslave: --simulate: --statsdir " + statsDir + ": cannot create: " + e.getMessage());
                return 2;
            }
            run.statusListener(new timeslave.stats.StatsWriter(statsDir, new timeslave.os.SyslogLog(
                    timeslave.os.SyslogSink.NONE, err, 0)));
        }
        SimResult r = run.run();
        summary(scenario, seed, r, out);
        if (run.leapSummary() != null) {
            out.println(run.leapSummary());
        }
        return 0;
    }

    private static String value(List<String> args, int i, String option) {
        if (i >= args.size()) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args.get(i);
    }

    static void summary(Scenario s, long seed, SimResult r, PrintStream out) {
        out.println(String.format(Locale.ROOT, "summary: scenario %s, seed %d, %d s simulated", s.name(), seed,
                s.seconds()));
        out.println(r.syncSec() < 0 ? "sync: never (|offset| >= 1 ms at the end)"
                : "sync: |offset| < 1 ms from " + r.syncSec() + " s");
        out.println(String.format(Locale.ROOT, "offset from %d s: rms %s, p99 %s, max %s", s.statsFromSec,
                micros(r.rmsNanos()), micros(r.p99Nanos()), micros(r.maxNanos())));
        out.println(String.format(Locale.ROOT, "timetrim: %d ns/s, truth %d ns/s, error %.3f ppm",
                Math.round(r.timetrimNsPerSec()), Math.round(r.trueTrimNsPerSec()), r.freqErrPpmEnd()));
        out.println(String.format(Locale.ROOT, "frequency: rms error %.3f ppm", r.freqRmsPpm()));
        out.println(String.format(Locale.ROOT, "bound: valid %.3f %% of seconds, median half-width %s",
                100 * r.boundValidFraction(), micros(r.boundMedianNanos())));
        out.println(String.format(Locale.ROOT, "packets: %d (%.1f per hour), steps: %d", r.packets(),
                r.packetsPerHour(), r.steps()));
    }

    static String micros(double nanos) {
        if (Double.isNaN(nanos)) {
            return "-";
        }
        if (Double.isInfinite(nanos)) {
            return "inf";
        }
        if (nanos >= 10_000_000) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f us", nanos / 1e3);
    }
}
