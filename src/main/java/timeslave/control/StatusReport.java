package timeslave.control;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import timeslave.core.Status;

/**
 * Renders a {@link Status} for timeslave-ctl's {@code tracking}, {@code sources} and {@code serverstats}
 * in three forms: text for people (as chronyc), CSV (as chronyc -c: one line per record, fields in a
 * fixed order) and JSON. Machine forms use base units (seconds, ppm as a plain number) and leave an
 * unknown value empty (CSV) or null (JSON).
 */
public final class StatusReport {
    /** Output forms. */
    public enum Format { TEXT, CSV, JSON }

    /** One field: a key for CSV/JSON order and JSON names, a label and a text value for people, the raw value. */
    record Field(String key, String label, String text, Object raw) {
    }

    private StatusReport() {
    }

    /** The tracking fields, in CSV order, without the served header's. */
    static List<Field> tracking(Status s) {
        return tracking(s, (Served) null);
    }

    /**
     * The tracking fields, in CSV order: the served header's last, so the fields before them keep their
     * places (timeslave-ctl waitsync reads them by position). Unknown header: empty fields.
     */
    static List<Field> tracking(Status s, Served h) {
        List<Field> f = new ArrayList<>();
        f.add(new Field("reference", "Reference", s.reference(), s.reference()));
        f.add(new Field("synchronised", "Synchronised", s.synchronised() ? "yes" : "no", s.synchronised()));
        f.add(new Field("mode", "Mode", s.measureOnly() ? "measure only (-m): the clock is not adjusted"
                : "adjusting the clock", s.measureOnly() ? "measure" : "adjust"));
        f.add(new Field("last_update", "Last update (UTC)", s.lastUpdateRealtimeNanos() == 0 ? "never"
                : Instant.ofEpochSecond(0, s.lastUpdateRealtimeNanos()) + " (" + age(s) + " ago)",
                s.lastUpdateRealtimeNanos() == 0 ? null : s.lastUpdateRealtimeNanos() / 1e9));
        f.add(new Field("last_offset_seconds", "Last offset", secondsSigned(s.lastOffsetNanos()), sec(s.lastOffsetNanos())));
        f.add(new Field("rms_offset_seconds", "RMS offset", secondsUnsigned(s.rmsOffsetNanos()), sec(s.rmsOffsetNanos())));
        f.add(new Field("estimated_offset_seconds", "Estimated offset", secondsSigned(s.estimateOffsetNanos())
                + (Double.isFinite(s.offsetSdNanos()) ? " +/- " + num(s.offsetSdNanos() / 1e9, 9) + " seconds" : ""),
                sec(s.estimateOffsetNanos())));
        f.add(new Field("timetrim_ppm", "Frequency (timetrim)", ppm(s.timetrimNsPerSec()) + " ("
                + Math.round(s.timetrimNsPerSec()) + " ns/s; positive: the clock is sped up)",
                ppmRaw(s.timetrimNsPerSec())));
        f.add(new Field("residual_frequency_ppm", "Residual freq", ppm(s.frequencyNsPerSec())
                + (Double.isFinite(s.frequencyNsPerSec()) ? " (positive: still slow)" : ""),
                ppmRaw(s.frequencyNsPerSec())));
        f.add(new Field("skew_ppm", "Skew", Double.isFinite(s.skewNsPerSec())
                ? num(s.skewNsPerSec() / 1000, 3) + " ppm" : "unknown", ppmRaw(s.skewNsPerSec())));
        f.add(new Field("error_bound_seconds", "Error bound", Double.isFinite(s.errorBoundNanos())
                ? num(s.errorBoundNanos() / 1e9, 9) + " seconds" : "unknown", sec(s.errorBoundNanos())));
        f.add(new Field("offset_low_seconds", "  offset lies in", Double.isFinite(s.boundLoNanos())
                ? "[" + secondsSigned(s.boundLoNanos()).replace(" seconds", "") + ", "
                + secondsSigned(s.boundHiNanos()).replace(" seconds", "") + "] seconds" : "unknown",
                sec(s.boundLoNanos())));
        f.add(new Field("offset_high_seconds", null, null, sec(s.boundHiNanos())));
        f.add(new Field("bound_growth_ppm", "  widening by", num(s.boundGrowthNsPerSec() / 1000, 3)
                + " ppm a side (skew + drift allowance)", ppmRaw(s.boundGrowthNsPerSec())));
        f.add(new Field("update_interval_seconds", "Update interval", num(s.intervalNanos() / 1e9, 1) + " seconds",
                s.intervalNanos() / 1e9));
        f.add(new Field("leap_status", "Leap status", s.synchronised() ? "Normal" : "Not synchronised",
                s.synchronised() ? "normal" : "unsynchronised"));
        f.add(new Field("measurements", "Measurements", s.goodMeasurements() + " good, " + s.failedMeasurements()
                + " failed, " + s.steps() + " steps", s.goodMeasurements()));
        f.add(new Field("failed_measurements", null, null, s.failedMeasurements()));
        f.add(new Field("steps", null, null, s.steps()));
        StringBuilder rej = new StringBuilder();
        for (String r : Status.REJECT_REASONS) {
            rej.append(rej.length() == 0 ? "" : ", ").append(r).append(' ').append(s.rejected().getOrDefault(r, 0L));
        }
        for (String r : Status.REJECT_REASONS) {
            f.add(new Field("rejected_" + r, r.equals(Status.REJECT_REASONS.get(0)) ? "Rejected samples" : null,
                    r.equals(Status.REJECT_REASONS.get(0)) ? rej.toString() : null, s.rejected().getOrDefault(r, 0L)));
        }
        f.add(new Field("stratum", "Stratum", h == null ? "unknown" : h.stratum()
                + (h.stratum() >= 16 ? " (unsynchronised)" : ""), h == null ? null : h.stratum()));
        f.add(new Field("reference_id", "Reference ID", h == null ? "unknown" : h.referenceIdText(),
                h == null ? null : String.format(Locale.ROOT, "%08X", h.referenceId())));
        f.add(new Field("root_delay_seconds", "Root delay", h == null ? "unknown"
                : num(h.rootDelaySeconds(), 9) + " seconds", h == null ? null : h.rootDelaySeconds()));
        f.add(new Field("root_dispersion_seconds", "Root dispersion", h == null ? "unknown"
                : num(h.rootDispersionSeconds(), 9) + " seconds", h == null ? null : h.rootDispersionSeconds()));
        f.add(new Field("serving_ntp", "Serving NTP", h == null ? "unknown" : h.serving() ? "yes"
                : "no (stratum to root dispersion: what --serve-ntp would send)", h == null ? null : h.serving()));
        return f;
    }

    /** One source's fields, in CSV order. */
    static List<Field> source(Status.Source x) {
        List<Field> f = new ArrayList<>();
        f.add(new Field("name", "Name", x.name(), x.name()));
        f.add(new Field("state", "State", x.state(), x.state()));
        f.add(new Field("reach", "Reach", Integer.toOctalString(x.reach()), x.reach()));
        f.add(new Field("offset_seconds", "Offset", secondsSigned(x.offsetNanos()), sec(x.offsetNanos())));
        f.add(new Field("error_seconds", "Error", secondsUnsigned(x.errorNanos()), sec(x.errorNanos())));
        f.add(new Field("delay_seconds", "Delay", secondsUnsigned(x.delayNanos()), sec(x.delayNanos())));
        f.add(new Field("sample_time", "Sample time", x.sampleRealtimeNanos() == 0 ? "never"
                : Instant.ofEpochSecond(0, x.sampleRealtimeNanos()).toString(),
                x.sampleRealtimeNanos() == 0 ? null : x.sampleRealtimeNanos() / 1e9));
        f.add(new Field("samples", "Samples", Long.toString(x.samples()), x.samples()));
        f.add(new Field("failures", "Failures", Long.toString(x.failures()), x.failures()));
        f.add(new Field("falsetickers", "Left out", Long.toString(x.falsetickers()), x.falsetickers()));
        f.add(new Field("last_failure", "Last failure", x.lastFailure(), x.lastFailure()));
        return f;
    }

    /** {@code timeslave-ctl tracking}, without the served header (its fields unknown). */
    public static String tracking(Status s, Format format) {
        return tracking(s, (Served) null, format);
    }

    /** {@code timeslave-ctl tracking}, with what the daemon serves or would serve ({@code h}; null: unknown). */
    public static String tracking(Status s, Served h, Format format) {
        List<Field> f = tracking(s, h);
        return switch (format) {
            case TEXT -> text(f);
            case CSV -> csv(f) + "\n";
            case JSON -> json(f) + "\n";
        };
    }

    /** {@code timeslave-ctl sources}: one record per master. */
    public static String sources(Status s, Format format) {
        StringBuilder b = new StringBuilder();
        switch (format) {
            case TEXT -> {
                b.append(String.format(Locale.ROOT, "%-2s %-26s %5s %-11s %16s %14s %12s %9s%n", "S", "Name", "Reach",
                        "State", "Offset (s)", "+/- error (s)", "Delay (s)", "Rx/fail"));
                b.append("=".repeat(104)).append('\n');
                for (Status.Source x : s.sources()) {
                    b.append(String.format(Locale.ROOT, "%-2s %-26s %5s %-11s %16s %14s %12s %9s%n", mark(x.state()),
                            x.name(), Integer.toOctalString(x.reach()), x.state(), plain(x.offsetNanos(), true),
                            plain(x.errorNanos(), false), plain(x.delayNanos(), false), x.samples() + "/" + x.failures()));
                    if (!x.lastFailure().isEmpty() && !x.state().equals("selected")) {
                        b.append("   last failure: ").append(x.lastFailure()).append('\n');
                    }
                }
            }
            case CSV -> s.sources().forEach(x -> b.append(csv(source(x))).append('\n'));
            case JSON -> {
                b.append('[');
                for (int i = 0; i < s.sources().size(); i++) {
                    b.append(i == 0 ? "" : ",").append(json(source(s.sources().get(i))));
                }
                b.append("]\n");
            }
        }
        return b.toString();
    }

    /** {@code timeslave-ctl serverstats}. */
    public static String serverStats(ServerStats stats, Format format) {
        List<Field> f = new ArrayList<>();
        for (ServerStats.Counter c : stats.counters()) {
            f.add(new Field(c.name(), c.help(), Long.toString(c.value()), c.value()));
        }
        if (f.isEmpty() && format == Format.TEXT) {
            return "no server is running\n";
        }
        return switch (format) {
            case TEXT -> text(f);
            case CSV -> csv(f) + "\n";
            case JSON -> json(f) + "\n";
        };
    }

    private static String mark(String state) {
        return switch (state) {
            case "selected" -> "*";
            case "falseticker" -> "x";
            case "unreachable" -> "?";
            case "failed" -> "-";
            default -> " ";
        };
    }

    private static String text(List<Field> fields) {
        int w = fields.stream().filter(x -> x.label() != null).mapToInt(x -> x.label().length()).max().orElse(0);
        StringBuilder b = new StringBuilder();
        for (Field x : fields) {
            if (x.label() != null) {
                b.append(String.format(Locale.ROOT, "%-" + w + "s : %s%n", x.label(), x.text()));
            }
        }
        return b.toString();
    }

    static String csv(List<Field> fields) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < fields.size(); i++) {
            b.append(i == 0 ? "" : ",").append(csvValue(fields.get(i).raw()));
        }
        return b.toString();
    }

    private static String csvValue(Object v) {
        if (v == null) {
            return "";
        }
        String s = raw(v);
        if (s == null) {
            return "";
        }
        if (s.contains(",") || s.contains("\"") || s.contains("\n")) {
            return "\"" + s.replace("\"", "\"\"") + "\"";
        }
        return s;
    }

    static String json(List<Field> fields) {
        StringBuilder b = new StringBuilder("{");
        boolean first = true;
        for (Field x : fields) {
            b.append(first ? "" : ",").append(jsonString(x.key())).append(':');
            first = false;
            Object v = x.raw();
            String r = v == null ? null : raw(v);
            if (r == null) {
                b.append("null");
            } else if (v instanceof String) {
                b.append(jsonString(r));
            } else {
                b.append(r);
            }
        }
        return b.append('}').toString();
    }

    /** A raw value as text: numbers plainly (null for NaN and infinities), booleans as true/false. */
    private static String raw(Object v) {
        if (v instanceof Double d) {
            if (!Double.isFinite(d)) {
                return null;
            }
            java.math.BigDecimal b = new java.math.BigDecimal(d);
            // POSIX times keep microseconds; other values 12 significant digits
            b = Math.abs(d) >= 1e6 ? b.setScale(6, java.math.RoundingMode.HALF_EVEN)
                    : b.round(new java.math.MathContext(12));
            return b.stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }

    static String jsonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static Double sec(double nanos) {
        return nanos / 1e9;
    }

    private static Double ppmRaw(double nsPerSec) {
        return nsPerSec / 1000;
    }

    private static String secondsSigned(double nanos) {
        return Double.isFinite(nanos) ? String.format(Locale.ROOT, "%+.9f seconds", nanos / 1e9) : "unknown";
    }

    private static String secondsUnsigned(double nanos) {
        return Double.isFinite(nanos) ? String.format(Locale.ROOT, "%.9f seconds", nanos / 1e9) : "unknown";
    }

    private static String plain(double nanos, boolean signed) {
        return Double.isFinite(nanos) ? String.format(Locale.ROOT, signed ? "%+.9f" : "%.9f", nanos / 1e9) : "-";
    }

    private static String ppm(double nsPerSec) {
        if (!Double.isFinite(nsPerSec)) {
            return "unknown";
        }
        return String.format(Locale.ROOT, "%+.3f ppm", nsPerSec / 1000);
    }

    private static String num(double v, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    private static String age(Status s) {
        long ns = s.realtimeNanos() - s.lastUpdateRealtimeNanos();
        return num(Math.max(0, ns) / 1e9, 1) + " s";
    }
}
