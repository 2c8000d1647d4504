package timeslave.sim;

import java.io.PrintStream;
import java.util.List;

/** The accuracy benchmark of issue 5 (placeholder until the table lands). */
final class Report {
    static final int DEFAULT_SEEDS = 5;

    private Report() {
    }

    static List<String> rowNames() {
        return List.of();
    }

    static int run(String row, int seeds, Long seconds, PrintStream out, PrintStream err) {
        err.println("timeslave: --simulate --report: not built yet");
        return 1;
    }
}
