package timeslave.ref.serial;

import java.util.ArrayList;
import java.util.List;
import timeslave.log.Log;
import timeslave.log.Priority;

/** A Log that keeps its lines ("ERR receiver ... not answering") for assertions. */
final class ListLog implements Log {
    final List<String> lines = new ArrayList<>();
    private final int debug;

    ListLog(int debug) {
        this.debug = debug;
    }

    @Override
    public synchronized void log(Priority priority, String message) {
        lines.add(priority + " " + message);
    }

    @Override
    public int debugLevel() {
        return debug;
    }

    synchronized List<String> above(Priority p) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (Priority.valueOf(l.substring(0, l.indexOf(' '))).code <= p.code) {
                out.add(l);
            }
        }
        return out;
    }
}
