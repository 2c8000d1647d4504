package timeslave.ref;

import java.util.ArrayList;
import java.util.List;
import timeslave.log.Log;
import timeslave.log.Priority;

/** A Log that keeps every line ("PRIORITY message") for assertions. */
public final class ListLog implements Log {
    public final List<String> lines = new ArrayList<>();
    private final int debugLevel;

    public ListLog(int debugLevel) {
        this.debugLevel = debugLevel;
    }

    @Override
    public synchronized void log(Priority priority, String message) {
        lines.add(priority + " " + message);
    }

    @Override
    public int debugLevel() {
        return debugLevel;
    }

    public synchronized long count(String fragment) {
        return lines.stream().filter(l -> l.contains(fragment)).count();
    }

    /** The lines at {@code p} or more urgent (ERR is more urgent than NOTICE). */
    public synchronized List<String> above(Priority p) {
        List<String> out = new ArrayList<>();
        for (String l : lines) {
            if (Priority.valueOf(l.substring(0, l.indexOf(' '))).code <= p.code) {
                out.add(l);
            }
        }
        return out;
    }
}
