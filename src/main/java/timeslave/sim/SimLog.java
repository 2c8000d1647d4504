package timeslave.sim;

import timeslave.log.Log;
import timeslave.log.Priority;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The daemon's log in the simulator: each line prefixed with virtual seconds since the start and the priority. */
final class SimLog implements Log {
    private final SimWorld world;
    private final PrintStream out;
    private final int debugLevel;
    private final List<String> lines = new ArrayList<>();

    /** @param out where to print, or null to only keep the lines */
    SimLog(SimWorld world, PrintStream out, int debugLevel) {
        this.world = world;
        this.out = out;
        this.debugLevel = debugLevel;
    }

    @Override
    public void log(Priority priority, String message) {
        String line = String.format(Locale.ROOT, "%12.6f %-6s %s", world.elapsedSec(), priority.name(), message);
        if (priority != Priority.DEBUG) {
            lines.add(line);
        }
        if (out != null) {
            out.println(line);
        }
    }

    @Override
    public int debugLevel() {
        return debugLevel;
    }

    /** Every line above DEBUG so far. */
    List<String> lines() {
        return lines;
    }
}
