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
}
