package timeslave.ref.sntp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;
import timeslave.core.Estimate;
import timeslave.core.Filter;
import timeslave.core.Settings;
import timeslave.ref.ReferenceConfig;
import timeslave.time.MeasurementException;
import timeslave.time.Sample;

/**
 * Benchmark (scripts/bench-sntp-spread, not a test): does the standard deviation the daemon reports
 * cover its actual error on a real path? The SNTP reference measures a server whose clock is this
 * host's plus a known offset (chronyd under libfaketime); every measurement goes through the daemon's
 * {@link Filter}, and each estimate's error against that known offset is compared with the fit's own
 * sd and with the sd the daemon reports ({@link Estimate#reportedSdNanos}). The local clock is only read.
 * {@code SpreadBench HOST:PORT COUNT INTERVAL_MS TRUE_OFFSET_S}
 */
public final class SpreadBench {
    private SpreadBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: SpreadBench HOST:PORT COUNT INTERVAL_MS TRUE_OFFSET_S");
            System.exit(100);
        }
        int colon = args[0].lastIndexOf(':');
        InetSocketAddress server = new InetSocketAddress(InetAddress.getByName(args[0].substring(0, colon)),
                Integer.parseInt(args[0].substring(colon + 1)));
        int count = Integer.parseInt(args[1]);
        long intervalMs = Long.parseLong(args[2]);
        double truth = Double.parseDouble(args[3]) * 1e9;
        Filter filter = new Filter(Settings.DEFAULT_MAX_DRIFT_NS_PER_SEC);
        int estimates = 0;
        int withinFit = 0;
        int withinReported = 0;
        double sumError = 0;
        double sumSq = 0;
        try (SntpReference ref = new SntpReference("sntp:" + args[0], server, ReferenceConfig.defaults(),
                new SntpProbe.JdkTime(), SntpProbe.stderrLog())) {
            for (int i = 0; i < count; i++) {
                if (i > 0) {
                    Thread.sleep(intervalMs);
                }
                Sample s;
                try {
                    s = ref.measure();
                } catch (MeasurementException e) {
                    System.err.println(e.getMessage());
                    continue;
                }
                filter.add(s);
                Estimate e = filter.estimate(s.monoNanos());
                if (e == null) {
                    continue;
                }
                double error = e.offsetNanos() - truth;
                estimates++;
                sumError += error;
                sumSq += error * error;
                if (Math.abs(error) <= 3 * e.offsetSdNanos()) {
                    withinFit++;
                }
                if (Math.abs(error) <= 3 * e.reportedSdNanos()) {
                    withinReported++;
                }
                System.out.printf(Locale.ROOT, "estimate error=%+.3f fit_sd=%.3f reported_sd=%.3f delay=%.3f samples=%d (us)%n",
                        error / 1e3, e.offsetSdNanos() / 1e3, e.reportedSdNanos() / 1e3, s.delayNanos() / 1e3,
                        e.samples());
            }
        }
        System.out.printf(Locale.ROOT, "estimates: %d, error mean %+.3f us, RMS %.3f us%n", estimates,
                estimates == 0 ? 0 : sumError / estimates / 1e3, estimates == 0 ? 0 : Math.sqrt(sumSq / estimates) / 1e3);
        System.out.printf(Locale.ROOT, "within 3 fit sd (what the daemon reported before issue 13): %d of %d%n",
                withinFit, estimates);
        System.out.printf(Locale.ROOT, "within 3 reported sd (fit and the path's unobservable asymmetry): %d of %d%n",
                withinReported, estimates);
    }
}
