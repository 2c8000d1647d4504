package timeslave.sim;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The long-baseline schedule's benchmark ({@code --simulate --report long-baseline}): its named
 * scenarios over N seeds, with what clockspeed's schedule is for (packets, timetrim error) and what
 * it risks (offset between measurements days apart, the error bound's validity).
 */
final class LongBaselineReport {
    private LongBaselineReport() {
    }

    static final String NAME = "long-baseline";
    /** Heap needed to run two 100-day scenarios at once, bytes. */
    static final long TWO_RUNS_HEAP_BYTES = 1L << 30;
    static final List<String> SCENARIOS = List.of("long-baseline", "long-baseline-constant-frequency",
            "long-baseline-wander", "long-baseline-clock-stepped", "long-baseline-one-bad-sample");

    static int run(int seeds, PrintStream out) {
        // A 100-day run keeps about 200 MB of per-second statistics: two at once only with room for them.
        int threads = Runtime.getRuntime().maxMemory() >= TWO_RUNS_HEAP_BYTES
                ? Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors())) : 1;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<List<Future<SimResult>>> futures = new ArrayList<>();
            for (String name : SCENARIOS) {
                List<Future<SimResult>> perSeed = new ArrayList<>();
                for (long seed = 1; seed <= seeds; seed++) {
                    long s = seed;
                    perSeed.add(pool.submit(() -> new SimRun(Scenarios.named(name), s, null, 0).run()));
                }
                futures.add(perSeed);
            }
            out.println(String.format(Locale.ROOT, "Long-baseline schedule (-r 600 doubling to --max-rate): %d seeds,"
                    + " median [worst seed]; statistics from day 1; path100, 4 probes per measurement.", seeds));
            out.println(String.format(Locale.ROOT, "%-33s %5s %8s %-20s %-20s %-22s %s", "scenario", "days", "pkts/h",
                    "RMS |offset|", "max |offset|", "timetrim error ppm", "bound valid (worst), median half-width"));
            for (int i = 0; i < SCENARIOS.size(); i++) {
                List<SimResult> res = new ArrayList<>();
                for (Future<SimResult> f : futures.get(i)) {
                    res.add(f.get());
                }
                out.println(String.format(Locale.ROOT, "%-33s %5d %8.3f %-20s %-20s %-22s %.4f %%  %s", SCENARIOS.get(i),
                        res.get(0).seconds() / 86_400, Report.worst(res, SimResult::packetsPerHour),
                        Report.fmt(Report.median(res, SimResult::rmsNanos) / 1e3) + " ["
                                + Report.fmt(Report.worst(res, SimResult::rmsNanos) / 1e3) + "]",
                        Report.fmt(Report.median(res, SimResult::maxNanos) / 1e3) + " ["
                                + Report.fmt(Report.worst(res, SimResult::maxNanos) / 1e3) + "]",
                        String.format(Locale.ROOT, "%.5f [%.5f]", Report.median(res, SimResult::freqErrPpmEnd),
                                Report.worst(res, SimResult::freqErrPpmEnd)),
                        100 * -Report.worst(res, x -> -x.boundValidFraction()),
                        Report.fmt(Report.median(res, SimResult::boundMedianNanos) / 1e3)));
            }
            out.println("Units: us unless stated; timetrim error at the end of the run.");
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }
}
