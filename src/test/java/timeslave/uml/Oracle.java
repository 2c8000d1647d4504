package timeslave.uml;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import timeslave.uml.GuestCommands.KernelState;

/**
 * The truth about a guest's clock during a run: {@link GuestClock} readings turned into
 * offset = guest − master with the {@link TapMaster}'s model of its own time.
 */
final class Oracle {
    /** Reading interval, ms. */
    static final long READ_EVERY_MILLIS = 100;
    /** Master probe interval, ms. */
    static final long PROBE_EVERY_MILLIS = 2000;
    /**
     * What the oracle may be off by when judged against a kernel record: adjtimex's µs resolution, the
     * master model's few µs, and the interpolation between readings 100 ms apart, ns.
     */
    static final double ORACLE_SLACK_NANOS = 20_000;
    /** A change of guest − master between two readings larger than this, ns, is a step, not a slew. */
    static final double STEP_NANOS = 1_000_000;

    private final long[] guest;
    private final long[] host;
    private final double[] offset;

    Oracle(TapMaster master, List<GuestClock.Reading> readings) {
        int n = readings.size();
        guest = new long[n];
        host = new long[n];
        offset = new double[n];
        for (int i = 0; i < n; i++) {
            GuestClock.Reading r = readings.get(i);
            guest[i] = r.guestRealtimeNanos();
            host[i] = r.hostRealtimeNanos();
            offset[i] = r.guestRealtimeNanos() - (r.hostRealtimeNanos() + master.masterMinusHostNanos(r.hostRealtimeNanos()));
        }
    }

    /**
     * Reads the guest's clock every {@link #READ_EVERY_MILLIS} and probes the master every
     * {@link #PROBE_EVERY_MILLIS} until the guest powers off (or {@code maxSeconds} pass).
     */
    static void follow(UmlGuest g, TapMaster master, List<GuestClock.Reading> into, long maxSeconds)
            throws IOException, InterruptedException {
        long end = System.nanoTime() + maxSeconds * 1_000_000_000L;
        long nextProbe = 0;
        try (GuestClock clock = g.clock()) {
            while (g.alive() && System.nanoTime() < end) {
                try {
                    into.add(clock.read());
                } catch (IOException e) {
                    // Powering off, the process's memory goes before the process does.
                    if (!g.waitFor(2)) {
                        throw e;
                    }
                    break;
                }
                if (master != null && System.nanoTime() >= nextProbe) {
                    master.probe();
                    nextProbe = System.nanoTime() + PROBE_EVERY_MILLIS * 1_000_000L;
                }
                Thread.sleep(READ_EVERY_MILLIS);
            }
        }
        if (!g.waitFor(30)) {
            throw new IOException("guest did not power off: " + g.diagnostics());
        }
        StringBuilder csv = new StringBuilder("# host_mono_ns host_realtime_ns guest_realtime_ns\n");
        for (GuestClock.Reading r : into) {
            csv.append(r.hostMonoNanos()).append(' ').append(r.hostRealtimeNanos()).append(' ').append(r.guestRealtimeNanos()).append('\n');
        }
        java.nio.file.Files.writeString(g.scratch().resolve("oracle.txt"), csv);
    }

    /** guest − master at the reading nearest after a guest real time (s), interpolated, ns. */
    double guestMinusMasterAtGuest(double guestSeconds) {
        long g = Math.round(guestSeconds * 1e9);
        int i = guest.length - 1;
        while (i > 0 && guest[i] > g) {
            i--;
        }
        if (i >= guest.length - 1) {
            return offset[guest.length - 1];
        }
        if (Math.abs(offset[i + 1] - offset[i]) > STEP_NANOS) {
            // A step between the two readings: guest time jumped, so interpolating across it would
            // invent offsets no clock ever had. Before the step the guest clock advanced at most the
            // host time between the readings; a guest time further on is after the step.
            return g - guest[i] <= host[i + 1] - host[i] ? offset[i] : offset[i + 1];
        }
        double f = guest[i + 1] == guest[i] ? 0 : Math.max(0, Math.min(1, (double) (g - guest[i]) / (guest[i + 1] - guest[i])));
        return offset[i] + f * (offset[i + 1] - offset[i]);
    }

    /** Largest |guest − master| from a guest time on, ns. */
    double maxAbsAfterGuest(double guestSeconds) {
        long g = Math.round(guestSeconds * 1e9);
        double max = 0;
        for (int i = 0; i < guest.length; i++) {
            if (guest[i] >= g) {
                max = Math.max(max, Math.abs(offset[i]));
            }
        }
        return max;
    }

    /** The offsets (ns) of the readings from a host real time on. */
    double[] offsetsFromHost(long hostRealtimeNanos) {
        int from = 0;
        while (from < host.length && host[from] < hostRealtimeNanos) {
            from++;
        }
        return Arrays.copyOfRange(offset, from, offset.length);
    }

    int size() {
        return guest.length;
    }

    long hostAt(int i) {
        return host[i];
    }

    double offsetAt(int i) {
        return offset[i];
    }

    long guestAt(int i) {
        return guest[i];
    }

    String summary() {
        return "oracle: " + guest.length + " readings";
    }

    /** A kernel record with the truth beside it. */
    String describe(KernelState s) {
        return String.format("guest %.6f freq %+.3f ppm maxerror %d us esterror %d us status 0x%x | true offset %+.1f us",
                s.guestSeconds(), s.freqPpm(), s.maxErrorMicros(), s.estErrorMicros(), s.status(),
                guestMinusMasterAtGuest(s.guestSeconds()) / 1000);
    }
}
