package timeslave.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import timeslave.core.Settings;
import timeslave.ref.ReferenceConfig;

/**
 * The validated command line of one timeslave run (options file merged in), immutable; what each
 * field means and its range are in man/timeslave.1m OPTIONS, and {@link OptionsParser} enforces them.
 *
 * @param serial             true when the first (or only) master is -C (a serial receiver), false for -H
 * @param master             the first (or only) master: the -H host spec or the -C tty path
 * @param clockType          -c, canonical spelling: PST_WWV, TRC_WWV or TT600
 * @param timetrimFile       -P
 * @param measureOnly        -m
 * @param debugLevel         number of -d
 * @param foreground         -B
 * @param quiet              -q
 * @param probeWaitNanos     -w
 * @param dateWaitNanos      -W
 * @param minTrials          -t, after the -t/-T interplay
 * @param maxTrials          -T, after the -t/-T interplay
 * @param rateNanos          -r
 * @param maxRateNanos       --max-rate: longest interval of the long-baseline schedule, 0 for timeslave's
 * @param adaptiveMinNanos   --adaptive-rate MIN, 0 when off
 * @param adaptiveMaxNanos   --adaptive-rate MAX, 0 when off
 * @param timePort           -p, resolved to a number
 * @param maxDriftNsPerSec   -D
 * @param initDriftNsPerSec  -i
 * @param year               -y
 * @param yearFromTimetrim   -Y
 * @param once               --once
 * @param setClock           --set (only with --once)
 * @param syslogPath         --syslog, empty for "--syslog none"
 * @param stepThresholdNanos --step-threshold
 * @param leapSecondsFile    --leap-seconds
 * @param readyFile          hidden --detached: where the launcher waits for "ready" or the start-up error
 * @param optionsFile        the options file that was read, if any
 * @param leap               --leap: what is done about leap seconds
 * @param masters            every master: each -H as given, then the -C; two or more are followed together
 * @param panicNanos         --panic: the panic limit, 0 for none
 * @param force              --force: with --once --set, step even beyond the panic limit; for the daemon
 *                           (ops12), adjust the clock even while another time daemon does
 * @param user               -u (least privilege): the user to become after start-up; empty for the default
 * @param serve              what the daemon serves (--serve-*, --clockbound-shm; issue 11)
 * @param ops                --control, --metrics, --statsdir (ops12)
 * @param initDriftGiven     whether -i was given (issue 10: without -P and -i the daemon starts from the kernel's frequency)
 */
public record Options(boolean serial, String master, String clockType, Optional<Path> timetrimFile,
                      boolean measureOnly, int debugLevel, boolean foreground, boolean quiet,
                      long probeWaitNanos, long dateWaitNanos, int minTrials, int maxTrials, long rateNanos,
                      long maxRateNanos, long adaptiveMinNanos, long adaptiveMaxNanos,
                      int timePort, long maxDriftNsPerSec, long initDriftNsPerSec, OptionalInt year,
                      boolean yearFromTimetrim, boolean once, boolean setClock, Optional<Path> syslogPath,
                      long stepThresholdNanos, Path leapSecondsFile, Optional<Path> readyFile,
                      Optional<Path> optionsFile, Settings.Leap leap, List<Master> masters,
                      long panicNanos, boolean force,
                      Optional<String> user, timeslave.serve.Serving.Config serve, Ops ops,
                      boolean initDriftGiven) {

    // ops12: status and control, metrics, statistics.
    /**
     * How the daemon can be watched.
     *
     * @param control     --control: the control socket, empty for "--control none"
     * @param metricsHost --metrics: the address to listen on (loopback unless given)
     * @param metricsPort --metrics: the TCP port, 0 for off
     * @param statsDir    --statsdir: where loopstats and peerstats are written, if anywhere
     */
    public record Ops(Optional<Path> control, String metricsHost, int metricsPort, Optional<Path> statsDir) {
        /** Nothing but the default control socket. */
        public static Ops defaults() {
            return new Ops(Optional.of(timeslave.control.ControlServer.DEFAULT_PATH), "127.0.0.1", 0, Optional.empty());
        }
    }
    // end ops12

    /**
     * Issue 10, starting frequency: with neither a timetrim file (-P) nor -i, the daemon keeps the
     * frequency the kernel already has (as chronyd does) instead of writing -i's default 0 over it.
     * With -P, IRIX's rule is unchanged: the saved timetrim, else -i.
     */
    public boolean startsFromKernelFrequency() {
        return timetrimFile.isEmpty() && !initDriftGiven && !measureOnly && !once;
    }

    /** One master: a -H host spec ({@code serial} false) or a -C tty path. */
    public record Master(boolean serial, String spec) {
    }

    /** The reference's view of these options; {@code timetrimYear} is the -P file's year under -Y. */
    public ReferenceConfig referenceConfig(OptionalInt timetrimYear) {
        OptionalInt forced = year.isPresent() ? year : (yearFromTimetrim ? timetrimYear : OptionalInt.empty());
        return new ReferenceConfig(minTrials, maxTrials, probeWaitNanos, dateWaitNanos, timePort, quiet, clockType,
                forced, leapSecondsFile);
    }

    /** The core's view of these options. */
    public Settings settings(long seed) {
        return Settings.defaults().withRateNanos(rateNanos).withMaxRateNanos(maxRateNanos)
                .withAdaptiveRateNanos(adaptiveMinNanos, adaptiveMaxNanos)
                .withMaxDriftNsPerSec(maxDriftNsPerSec).withInitDriftNsPerSec(initDriftNsPerSec)
                .withMeasureOnly(measureOnly).withSerial(serial).withStepThresholdNanos(stepThresholdNanos).withSeed(seed)
                .withLeap(leap).withPanicNanos(panicNanos);
    }

    /** The options in force, as one canonical command line (logged at start). */
    public String describe() {
        List<String> w = new ArrayList<>();
        for (Master m : masters) {
            w.add((m.serial() ? "-C " : "-H ") + m.spec());
        }
        if (masters.stream().anyMatch(Master::serial)) {
            w.add("-c " + clockType);
        }
        if (masters.stream().anyMatch(m -> !m.serial())) {
            w.add("-p " + timePort);
            w.add("-w " + seconds(probeWaitNanos));
            w.add("-W " + seconds(dateWaitNanos));
            w.add("-t " + minTrials);
            w.add("-T " + maxTrials);
        }
        timetrimFile.ifPresent(p -> w.add("-P " + p));
        if (measureOnly) {
            w.add("-m");
        }
        if (debugLevel > 0) {
            w.add("-" + "d".repeat(debugLevel));
        }
        if (foreground) {
            w.add("-B");
        }
        if (quiet) {
            w.add("-q");
        }
        w.add("-r " + seconds(rateNanos));
        if (maxRateNanos > 0) {
            w.add("--max-rate " + seconds(maxRateNanos));
        }
        if (adaptiveMaxNanos > 0) {
            w.add("--adaptive-rate " + seconds(adaptiveMinNanos) + ":" + seconds(adaptiveMaxNanos));
        }
        w.add("-D " + maxDriftNsPerSec);
        w.add("-i " + initDriftNsPerSec);
        year.ifPresent(y -> w.add("-y " + y));
        if (yearFromTimetrim) {
            w.add("-Y");
        }
        w.add("--step-threshold " + seconds(stepThresholdNanos));
        w.add("--syslog " + syslogPath.map(Path::toString).orElse(OptionsParser.NO_SYSLOG));
        w.add("--leap-seconds " + leapSecondsFile);
        w.add("--leap " + leap.name().toLowerCase(java.util.Locale.ROOT));
        w.add("--panic " + seconds(panicNanos));
        optionsFile.ifPresent(p -> w.add("--options " + p));
        // ops12
        w.add("--control " + ops.control().map(Path::toString).orElse(OptionsParser.NO_CONTROL));
        if (ops.metricsPort() > 0) {
            w.add("--metrics " + ops.metricsHost() + ":" + ops.metricsPort());
        }
        ops.statsDir().ifPresent(p -> w.add("--statsdir " + p));
        if (force) {
            w.add("--force");
        }
        user.ifPresent(u -> w.add("-u " + u));   // least privilege
        ServeConfig.describe(serve, w);
        return String.join(" ", w);
    }

    /** ns as decimal seconds without trailing zeros: 210000000000 → "210", 128000000 → "0.128". */
    static String seconds(long nanos) {
        return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }
}
