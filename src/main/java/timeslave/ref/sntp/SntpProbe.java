package timeslave.ref.sntp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;
import timeslave.log.Log;
import timeslave.log.Priority;
import timeslave.time.MeasurementException;
import timeslave.ref.OnceLine;
import timeslave.time.Reference;
import timeslave.ref.ReferenceConfig;
import timeslave.time.TimeSource;

/**
 * Runs the SNTP reference alone and prints one {@link OnceLine} per measurement (our
 * {@code sntpclock | clockview}, used by scripts/bench-sntp-spread):
 * {@code java -cp target/timeslave.jar:target/lib/* timeslave.ref.sntp.SntpProbe HOST:PORT [N]}.
 * Exit 0 if every measurement succeeded, 1 if any failed, 100 for usage.
 */
public final class SntpProbe {
    private static final int EXIT_USAGE = 100;

    private SntpProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: SntpProbe HOST:PORT [COUNT]");
            System.exit(EXIT_USAGE);
        }
        int colon = args[0].lastIndexOf(':');
        String host = colon > 0 ? args[0].substring(0, colon) : args[0];
        int port = colon > 0 ? Integer.parseInt(args[0].substring(colon + 1)) : SntpReference.DEFAULT_PORT;
        int count = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        InetAddress address = InetAddress.getByName(host.replace("[", "").replace("]", ""));
        String name = "sntp:" + args[0];
        try (SntpReference ref = new SntpReference(name, new InetSocketAddress(address, port),
                ReferenceConfig.defaults(), new JdkTime(), stderrLog())) {
            System.exit(run(ref, count));
        }
    }

    /** Prints one OnceLine per measurement to stdout, failures to stderr; returns the exit status. */
    public static int run(Reference ref, int count) {
        int failures = 0;
        for (int i = 0; i < count; i++) {
            try {
                System.out.println(OnceLine.format(ref.measure()));
            } catch (MeasurementException e) {
                failures++;
                System.err.println(e.getMessage());
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /** A Log that writes "PRIORITY: message" lines to stderr, without debugging. */
    public static Log stderrLog() {
        return new Log() {
            @Override
            public void log(Priority priority, String message) {
                System.err.println(priority + ": " + message);
            }

            @Override
            public int debugLevel() {
                return 0;
            }
        };
    }


    /** The JDK's clocks, for this stand-alone tool only (the daemon gets its TimeSource from os). */
    public static final class JdkTime implements TimeSource {
        @Override
        public long realtimeNanos() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }
    }
}
