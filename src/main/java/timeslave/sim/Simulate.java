package timeslave.sim;

import java.io.PrintStream;
import java.util.List;

/** {@code timeslave --simulate [scenario] [options]}: runs the real core in a simulated world (stub). */
public final class Simulate {
    private Simulate() {
    }

    /**
     * Runs the simulator with the words that followed --simulate.
     *
     * @return the process exit status
     */
    public static int run(List<String> args, PrintStream out, PrintStream err) {
        err.println("timeslave: the simulator is not built yet");
        return 1;
    }
}
