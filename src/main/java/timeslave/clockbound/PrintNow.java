package timeslave.clockbound;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * bin/timeslave-now: prints the interval that holds true time, read from a ClockBound v2 segment,
 * as one line: {@code earliest=… latest=… bound=±S status=…}. Exit status 0 with a bound, 1 when
 * the status gives none (Unknown, Disrupted) or the segment cannot be read, 2 on a bad command line.
 */
public final class PrintNow {
    /** ClockBound's own path for its v2 segment. */
    public static final String DEFAULT_PATH = "/var/run/clockbound/shm0";

    private PrintNow() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length > 1 || (args.length == 1 && args[0].startsWith("-"))) {
            err.println("usage: timeslave-now [segment-path]   (default " + DEFAULT_PATH + ")");
            return 2;
        }
        Path path = Path.of(args.length == 1 ? args[0] : DEFAULT_PATH);
        try (BoundedClock c = BoundedClock.open(path)) {
            Bounds b = c.now();
            if (b.status() == ClockStatus.UNKNOWN || b.status() == ClockStatus.DISRUPTED) {
                out.println("status=" + b.status().name().toLowerCase(java.util.Locale.ROOT) + ": no bound");
                return 1;
            }
            java.time.Duration half = java.time.Duration.between(b.earliest(), b.latest()).dividedBy(2);
            out.println("earliest=" + b.earliest() + " latest=" + b.latest() + " bound=+-"
                    + java.math.BigDecimal.valueOf(half.toNanos(), 9).toPlainString() + " status="
                    + b.status().name().toLowerCase(java.util.Locale.ROOT));
            return 0;
        } catch (java.nio.file.NoSuchFileException e) {
            err.println("timeslave-now: " + path + ": no such file (is timeslave running with --clockbound-shm?)");
            return 1;
        } catch (IOException e) {
            err.println("timeslave-now: " + e.getMessage());
            return 1;
        }
    }
}
