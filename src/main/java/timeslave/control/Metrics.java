package timeslave.control;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import timeslave.core.Status;

/**
 * The daemon's state as Prometheus text exposition format 0.0.4, or OpenMetrics 1.0 when the scraper
 * asks for it. Names start with {@code timeslave_} and use base units as node_exporter's
 * {@code node_timex_*} and chrony_exporter's {@code chrony_tracking_*} do: seconds, ratios (ppm·10⁻⁶),
 * counters ending in {@code _total}. Offsets are reference − local.
 */
public final class Metrics {
    /** Content type of the classic text format. */
    public static final String TEXT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** Content type of OpenMetrics. */
    public static final String OPENMETRICS_TYPE = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private Metrics() {
    }

    private record Sample(Map<String, String> labels, double value) {
    }

    private static final class Family {
        final String name;
        final String type;
        final String help;
        final List<Sample> samples = new ArrayList<>();

        Family(String name, String type, String help) {
            this.name = name;
            this.type = type;
            this.help = help;
        }

        Family add(double v, String... labels) {
            Map<String, String> m = new LinkedHashMap<>();
            for (int i = 0; i + 1 < labels.length; i += 2) {
                m.put(labels[i], labels[i + 1]);
            }
            samples.add(new Sample(m, v));
            return this;
        }
    }

    /**
     * Every metric for {@code s} (null: the daemon has not published yet, only build info) and the
     * server counters.
     *
     * @param openMetrics OpenMetrics 1.0 (counter families named without _total, "# EOF" at the end)
     */
    public static String format(Status s, ServerStats stats, String version, boolean openMetrics) {
        List<Family> fs = new ArrayList<>();
        fs.add(new Family("timeslave_build_info", "gauge", "Version of the running daemon.").add(1, "version", version));
        if (s != null) {
            fs.add(gauge("timeslave_synchronised", "1 when a good measurement was had and the error bound is known and below 16 s.",
                    s.synchronised() ? 1 : 0));
            fs.add(gauge("timeslave_measure_only", "1 under -m: the clock is never adjusted.", s.measureOnly() ? 1 : 0));
            fs.add(gauge("timeslave_offset_seconds", "Newest measured offset, reference - local.", s.lastOffsetNanos() / 1e9));
            fs.add(gauge("timeslave_estimated_offset_seconds", "The filter's offset estimate at the newest measurement.",
                    s.estimateOffsetNanos() / 1e9));
            fs.add(gauge("timeslave_rms_offset_seconds", "Root mean square of the measured offsets.", s.rmsOffsetNanos() / 1e9));
            fs.add(gauge("timeslave_timetrim_ratio", "Frequency correction in force (timetrim), positive: the clock is sped up.",
                    s.timetrimNsPerSec() / 1e9));
            fs.add(gauge("timeslave_frequency_error_ratio", "Residual frequency error, positive: the clock still runs slow.",
                    s.frequencyNsPerSec() / 1e9));
            fs.add(gauge("timeslave_skew_ratio", "Bound on the frequency error.", s.skewNsPerSec() / 1e9));
            fs.add(gauge("timeslave_error_bound_seconds", "Largest possible |offset| at the newest measurement (+Inf: unknown).",
                    s.errorBoundNanos() / 1e9));
            fs.add(new Family("timeslave_offset_bound_seconds", "gauge", "Lowest and highest possible offset at the newest measurement.")
                    .add(s.boundLoNanos() / 1e9, "edge", "low").add(s.boundHiNanos() / 1e9, "edge", "high"));
            fs.add(gauge("timeslave_error_bound_growth_ratio", "How fast each edge of the bound widens.",
                    s.boundGrowthNsPerSec() / 1e9));
            fs.add(gauge("timeslave_update_interval_seconds", "Wait until the next measurement.", s.intervalNanos() / 1e9));
            fs.add(gauge("timeslave_last_update_timestamp_seconds", "Local time of the newest good measurement (0: none).",
                    s.lastUpdateRealtimeNanos() / 1e9));
            fs.add(new Family("timeslave_measurements", "counter", "Measurements, by result.")
                    .add(s.goodMeasurements(), "result", "good").add(s.failedMeasurements(), "result", "failed"));
            fs.add(new Family("timeslave_steps", "counter", "Clock steps made.").add(s.steps()));
            Served h = stats.served();
            if (h != null) {
                fs.add(gauge("timeslave_stratum", "NTP stratum served, or that would be served without --serve-ntp"
                        + " (16: unsynchronised).", h.stratum()));
                fs.add(gauge("timeslave_root_delay_seconds", "NTP root delay served, or that would be served.",
                        h.rootDelaySeconds()));
                fs.add(gauge("timeslave_root_dispersion_seconds", "NTP root dispersion served, or that would be served.",
                        h.rootDispersionSeconds()));
            }
            Family rej = new Family("timeslave_rejected_samples", "counter", "Samples the filter refused, by reason.");
            for (String r : Status.REJECT_REASONS) {
                rej.add(s.rejected().getOrDefault(r, 0L), "reason", r);
            }
            fs.add(rej);
            Family off = new Family("timeslave_source_offset_seconds", "gauge", "Each master's newest sample offset.");
            Family err = new Family("timeslave_source_error_seconds", "gauge", "Each master's newest sample error bound.");
            Family del = new Family("timeslave_source_delay_seconds", "gauge", "Each master's newest round-trip delay.");
            Family reach = new Family("timeslave_source_reachability_ratio", "gauge",
                    "Share of each master's last 8 measurements that gave a sample.");
            Family reg = new Family("timeslave_source_reach", "gauge", "Each master's reach register (ntpd's; bit 0 newest).");
            Family state = new Family("timeslave_source_state", "gauge", "1 for each master's current state.");
            Family smp = new Family("timeslave_source_samples", "counter", "Samples each master gave.");
            Family fail = new Family("timeslave_source_failures", "counter", "Measurements in which each master gave none.");
            Family left = new Family("timeslave_source_falsetickers", "counter", "Samples of each master the selection left out.");
            for (Status.Source x : s.sources()) {
                String n = x.name();
                off.add(x.offsetNanos() / 1e9, "source", n);
                err.add(x.errorNanos() / 1e9, "source", n);
                del.add(x.delayNanos() / 1e9, "source", n);
                reach.add(Integer.bitCount(x.reach()) / 8.0, "source", n);
                reg.add(x.reach(), "source", n);
                for (String st : List.of("selected", "falseticker", "unreachable", "failed", "none")) {
                    state.add(x.state().equals(st) ? 1 : 0, "source", n, "state", st);
                }
                smp.add(x.samples(), "source", n);
                fail.add(x.failures(), "source", n);
                left.add(x.falsetickers(), "source", n);
            }
            fs.addAll(List.of(off, err, del, reach, reg, state, smp, fail, left));
        }
        for (ServerStats.Counter c : stats.counters()) {
            fs.add(new Family("timeslave_server_" + c.name(), "counter", c.help()).add(c.value()));
        }
        StringBuilder b = new StringBuilder();
        for (Family f : fs) {
            boolean counter = f.type.equals("counter");
            String sampleName = counter ? f.name + "_total" : f.name;
            String familyName = counter && !openMetrics ? sampleName : f.name;
            b.append("# HELP ").append(familyName).append(' ').append(f.help).append('\n');
            b.append("# TYPE ").append(familyName).append(' ').append(f.type).append('\n');
            for (Sample x : f.samples) {
                b.append(sampleName);
                if (!x.labels().isEmpty()) {
                    b.append('{');
                    boolean first = true;
                    for (Map.Entry<String, String> e : x.labels().entrySet()) {
                        b.append(first ? "" : ",").append(e.getKey()).append("=\"").append(escape(e.getValue())).append('"');
                        first = false;
                    }
                    b.append('}');
                }
                b.append(' ').append(value(x.value())).append('\n');
            }
        }
        if (openMetrics) {
            b.append("# EOF\n");
        }
        return b.toString();
    }

    private static Family gauge(String name, String help, double v) {
        return new Family(name, "gauge", help).add(v);
    }

    static String value(double v) {
        if (Double.isNaN(v)) {
            return "NaN";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "+Inf" : "-Inf";
        }
        if (Math.abs(v) >= 1e6) {
            return java.math.BigDecimal.valueOf(v).setScale(6, java.math.RoundingMode.HALF_EVEN).stripTrailingZeros()
                    .toPlainString();
        }
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.12g", v).replaceAll("(\\.[0-9]*?)0+(e|$)", "$1$2").replace(".e", "e")
                .replaceAll("\\.$", "");
    }

    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
