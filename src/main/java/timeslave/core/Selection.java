package timeslave.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Marzullo's intersection for several references: each offers an interval that should hold the
 * true offset (offset ± its error bound); the largest set of intervals with a common point are
 * the truechimers, the rest falsetickers (RFC 5905 §11.2.1 uses the same sweep). Pure;
 * {@link Ensemble} runs it once per round over its members' answers.
 */
public final class Selection {

    /**
     * The outcome.
     *
     * @param loNanos      lowest offset where the most intervals overlap
     * @param hiNanos      highest such offset
     * @param truechimers  indices of the intervals containing [loNanos, hiNanos], ascending
     */
    public record Result(double loNanos, double hiNanos, List<Integer> truechimers) {

        /** True when more than half of the references agree (a majority clique). */
        public boolean majorityOf(int references) {
            return truechimers.size() * 2 > references;
        }
    }

    private Selection() {
    }

    /**
     * @param lo lower ends, ns (lo[i] ≤ hi[i])
     * @param hi upper ends, ns
     * @return the best-supported interval and the intervals that contain it; null with no intervals
     */
    public static Result select(double[] lo, double[] hi) {
        int n = lo.length;
        if (n == 0 || hi.length != n) {
            return null;
        }
        // Edges sorted by value; at equal values, starts before ends so touching intervals agree.
        double[][] edges = new double[2 * n][];
        for (int i = 0; i < n; i++) {
            if (!(lo[i] <= hi[i])) {
                throw new IllegalArgumentException("interval " + i + " is empty: [" + lo[i] + ", " + hi[i] + "]");
            }
            edges[2 * i] = new double[] {lo[i], -1};
            edges[2 * i + 1] = new double[] {hi[i], +1};
        }
        Arrays.sort(edges, (a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        int best = 0;
        int count = 0;
        double bestLo = 0;
        double bestHi = 0;
        for (int k = 0; k < edges.length; k++) {
            if (edges[k][1] < 0) {
                count++;
                if (count > best) {
                    best = count;
                    bestLo = edges[k][0];
                    bestHi = edges[k + 1][0];
                }
            } else {
                count--;
            }
        }
        List<Integer> chosen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (lo[i] <= bestLo && hi[i] >= bestHi) {
                chosen.add(i);
            }
        }
        return new Result(bestLo, bestHi, List.copyOf(chosen));
    }
}
