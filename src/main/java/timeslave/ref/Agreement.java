package timeslave.ref;

/**
 * Which of several measurements of one offset agree: each is an interval
 * [offset − error, offset + error] that holds the truth if its source was honest, so honest
 * measurements share a common point (Marzullo's intersection, as NTP's clock select uses it across
 * servers; here across the replies of one burst). Pure.
 *
 * <p>The rule every reference applies: a burst yields a sample only if all of its replies agree; the
 * largest agreeing set is what the refusal reports ("only k of n agree"). One reply, however small its
 * delay or bound, can then never decide a measurement against the others, nor can a majority overrule them.
 */
public final class Agreement {
    private Agreement() {
    }

    /**
     * The largest set of intervals that share a point, as a mask over the inputs (true = member).
     * Ties go to the set found first, scanning candidate points from the lowest.
     *
     * @param offsets centre of each interval, ns
     * @param errors  half-width of each interval, ns (≥ 0)
     */
    public static boolean[] largestAgreeingSet(long[] offsets, long[] errors) {
        int n = offsets.length;
        boolean[] best = new boolean[n];
        int bestCount = 0;
        // The deepest point of a set of closed intervals is at some interval's lower end.
        long[] lows = new long[n];
        for (int i = 0; i < n; i++) {
            lows[i] = saturatingSub(offsets[i], errors[i]);
        }
        java.util.Arrays.sort(lows);
        for (long point : lows) {
            boolean[] members = new boolean[n];
            int count = 0;
            for (int i = 0; i < n; i++) {
                if (saturatingSub(offsets[i], errors[i]) <= point && point <= saturatingAdd(offsets[i], errors[i])) {
                    members[i] = true;
                    count++;
                }
            }
            if (count > bestCount) {
                bestCount = count;
                best = members;
            }
        }
        return best;
    }

    /** The number of members in a mask. */
    public static int count(boolean[] mask) {
        int c = 0;
        for (boolean b : mask) {
            if (b) {
                c++;
            }
        }
        return c;
    }

    /** a + b, held at Long.MIN_VALUE/MAX_VALUE instead of wrapping. */
    public static long saturatingAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }

    static long saturatingSub(long a, long b) {
        long r = a - b;
        return ((a ^ b) & (a ^ r)) < 0 ? (a < 0 ? Long.MIN_VALUE : Long.MAX_VALUE) : r;
    }
}
