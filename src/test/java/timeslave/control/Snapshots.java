package timeslave.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import timeslave.core.Status;

/** Hand-made {@link Status} snapshots for the control, metrics and statistics tests. */
final class Snapshots {
    private Snapshots() {
    }

    static Status.Source source(String name, String state, double offsetNanos) {
        return new Status.Source(name, 0b1111_1110, state, offsetNanos, 20_000, 40_000,
                1_780_000_000_250_000_000L, state.equals("selected") ? "" : "no reply to 4 probes", 7, 1,
                state.equals("falseticker") ? 3 : 0);
    }

    /** A synchronised daemon following two masters, one of them a falseticker; the error bound is 25 µs. */
    static Status synced() {
        Map<String, Long> rejected = new LinkedHashMap<>();
        rejected.put("spike", 2L);
        rejected.put("drift", 1L);
        rejected.put("jump", 0L);
        rejected.put("leap_window", 0L);
        return new Status(5_000_000_000L, 1_780_000_001_000_000_000L, "sntp:127.0.0.1:123,sntp:b", false, true,
                1_780_000_000_500_000_000L, -12_345, 20_000, -10_000, 500, 100, 12_345.4, 300, 25_000, -25_000,
                15_000, 15_300, 64_000_000_000L, 40, 1, 1, rejected,
                List.of(source("sntp:127.0.0.1:123", "selected", -12_345), source("sntp:b", "falseticker", 5_000_000)));
    }

    /** Just started: nothing measured. */
    static Status starting() {
        Map<String, Long> rejected = new LinkedHashMap<>();
        Status.REJECT_REASONS.forEach(r -> rejected.put(r, 0L));
        return new Status(1, 1_780_000_000_000_000_000L, "sntp:127.0.0.1:123", true, false, 0, Double.NaN, Double.NaN,
                Double.NaN, Double.NaN, Double.NaN, 0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY, 0, 0, 0, 0, 0, rejected,
                List.of(new Status.Source("sntp:127.0.0.1:123", 0, "none", Double.NaN, Double.NaN, Double.NaN, 0, "", 0,
                        0, 0)));
    }
}
