package timeslave.core;

import java.util.Locale;

/** Formats nanoseconds for log lines: seconds with nine decimals, and ns/s as ppm. */
public final class Seconds {
    private Seconds() {
    }

    /** {@code +2.000123456} / {@code -0.000000001}: signed seconds, exactly 9 decimals. */
    public static String signed(double nanos) {
        long n = Math.round(nanos);
        String sign = n < 0 ? "-" : "+";
        long abs = Math.abs(n);
        return sign + (abs / 1_000_000_000L) + "." + String.format(Locale.ROOT, "%09d", abs % 1_000_000_000L);
    }

    /** Unsigned seconds with 9 decimals. */
    public static String unsigned(double nanos) {
        String s = signed(nanos);
        return s.charAt(0) == '+' ? s.substring(1) : s;
    }

    /** ns/s as ppm with 3 decimals and a sign: {@code +50.012}. */
    public static String ppm(double nsPerSec) {
        return String.format(Locale.ROOT, "%+.3f", nsPerSec / 1000.0);
    }

    /** Seconds as a plain decimal without trailing zeros: 1000000000000 → {@code 1000}, 500000000 → {@code 0.5}. */
    public static String plain(long nanos) {
        return java.math.BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    /** ns/s as ppm with 3 decimals, no sign: {@code 10000.000}. */
    public static String ppmUnsigned(double nsPerSec) {
        return String.format(Locale.ROOT, "%.3f", nsPerSec / 1000.0);
    }
}
