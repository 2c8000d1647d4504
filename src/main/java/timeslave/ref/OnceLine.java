package timeslave.ref;

import timeslave.time.Sample;

/**
 * The one-line measurement that --once prints (our {@code sntpclock | clockview}):
 * {@code offset=+0.002500123 delay=0.000312000 bound=0.000160000 ref=sntp:127.0.0.1:123},
 * seconds with 9 decimals, offset = reference − local, bound = the sample's error bound.
 */
public final class OnceLine {
    private OnceLine() {
    }

    public static String format(Sample s) {
        return "offset=" + seconds(s.offsetNanos(), true) + " delay=" + seconds(s.delayNanos(), false)
                + " bound=" + seconds(s.errorNanos(), false) + " ref=" + s.source();
    }

    /** ns as seconds with exactly 9 decimals, with a sign when {@code signed}. */
    static String seconds(long nanos, boolean signed) {
        String sign = nanos < 0 ? "-" : (signed ? "+" : "");
        long abs = Math.abs(nanos);
        return sign + (abs / 1_000_000_000L) + "." + String.format("%09d", abs % 1_000_000_000L);
    }
}
