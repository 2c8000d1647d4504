package timeslave.uml;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import timeslave.os.KernelStampedUdpSocket;

/**
 * Experiment runner (scripts/uml-wake-latency, never the suite; needs root, linux.uml and /dev/net/tun):
 * how much later a reply reaches a User-Mode Linux guest's kernel receive stamp when the host sends it
 * after the guest has been idle a while. A guest runs {@link WakeLatencyGuest}; the host holds each reply
 * for the time the request asks, counted from the request's kernel receive stamp (asleep until 300 µs
 * before, then spinning: {@link UdpRelay#waitUntil}), and notes the kernel's transmit stamp of the reply.
 *
 * <p>The guest's clock is read from the host ({@link GuestClock}, to 0.1 µs; it is not disciplined here), so both
 * one-way delays are absolute: up = host receive stamp − guest transmit stamp, down = guest receive
 * stamp − host transmit stamp. A client that stamps an exchange at these points is off by (up − down)/2
 * (its clock ends that much ahead of the server's): printed with the guest kernel's SCHED stamp as T1
 * (as timeslave) and with the user-space reading before the send (as chronyd in these guests, whose
 * measurement log marks its T1 "D"). Run twice: guest and host thread on any CPU, then both on CPU 1.
 *
 * <p>Arguments: {@code [ROUNDS]} (150: about 70 s per layout).
 */
public final class WakeLatencyRun {
    private WakeLatencyRun() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 150;
        System.out.printf(Locale.ROOT, "# uml-wake-latency: %d requests per layout, each after the guest idled 200-600 ms;"
                + " the host holds its reply HOLD us from the request's kernel receive stamp%n", rounds);
        System.out.println("# medians, us: up from the guest's SCHED stamp and from its user-space reading, down, and the"
                + " error (up-down)/2 of a two-way exchange with each T1");
        System.out.println("# layout    hold_us     n  up_sched   up_user      down  down_p90  error_sched  error_user");
        layout(rounds, -1);
        layout(rounds, 1);   // last: it pins this thread for good
    }

    private static void layout(int rounds, int cpu) throws Exception {
        Map<Integer, long[]> host = new HashMap<>();   // seq -> {host rx, host tx}
        long guestMinusHost;
        String guestOut;
        try (Tap tap = Tap.create();
             KernelStampedUdpSocket s = KernelStampedUdpSocket.open(InetAddress.getByName(tap.hostIp), true)) {
            String run = GuestCommands.testJava() + " timeslave.uml.WakeLatencyGuest " + tap.hostIp + " " + s.localPort() + " " + rounds
                    + " > wake.out 2>&1\n";
            long failed = 0;
            List<Long> offsets = Collections.synchronizedList(new ArrayList<>());   // guest − host realtime
            try (UmlGuest g = UmlGuest.boot(new UmlGuest.Spec(run).tap(tap).cpu(cpu)); GuestClock clock = g.clock()) {
                // The guest's clock runs with the host's (nothing disciplines it here), so one offset serves the
                // run: read every 100 ms by another thread, not around the exchanges, and the median taken.
                Thread oracle = new Thread(() -> {
                    try {
                        while (g.alive()) {
                            GuestClock.Reading c = clock.read();
                            offsets.add(c.guestRealtimeNanos() - c.hostRealtimeNanos());
                            Thread.sleep(100);
                        }
                    } catch (IOException | InterruptedException e) {
                        // powered off
                    }
                }, "oracle");
                oracle.setDaemon(true);
                oracle.start();
                if (cpu >= 0) {
                    UdpRelay.pinCurrentThread(cpu);
                }
                long end = System.nanoTime() + rounds * 1_000_000_000L + 120_000_000_000L;
                while (g.alive() && System.nanoTime() < end) {
                    KernelStampedUdpSocket.Received r = s.receive(500);
                    if (r == null || !r.stamped()) {
                        continue;
                    }
                    long nowReal = GuestClock.hostRealtimeNanos();
                    long nowMono = System.nanoTime();
                    String[] w = new String(r.data(), StandardCharsets.US_ASCII).trim().split(" ");
                    if (w.length != 2) {
                        continue;
                    }
                    UdpRelay.waitUntil(r.kernelRealtimeNanos() + Long.parseLong(w[1]) * 1000, nowReal, nowMono);
                    long tx = s.send(new byte[]{'x'}, r.from());
                    if (tx == KernelStampedUdpSocket.NO_STAMP) {
                        failed++;
                        continue;
                    }
                    host.put(Integer.parseInt(w[0]), new long[]{r.kernelRealtimeNanos(), tx});
                }
                g.waitFor(30);
                oracle.join(5_000);
                guestOut = g.read("wake.out");
            }
            long[] sorted;
            synchronized (offsets) {
                sorted = offsets.stream().mapToLong(Long::longValue).sorted().toArray();
            }
            if (sorted.length == 0) {
                System.out.println("# no oracle readings");
                return;
            }
            guestMinusHost = sorted[sorted.length / 2];
            System.out.printf(Locale.ROOT, "# %s: guest - host %d readings, spread (max - min) %.1f us%n",
                    cpu < 0 ? "any-cpu" : "cpu" + cpu, sorted.length, (sorted[sorted.length - 1] - sorted[0]) / 1e3);
            if (failed > 0) {
                System.out.println("# " + failed + " replies without a transmit stamp left out");
            }
        }
        Map<Integer, List<long[]>> byHold = new TreeMap<>();   // hold -> {up (SCHED), up (user), down}
        for (String line : guestOut.split("\n")) {
            String[] w = line.trim().split(" ");
            if (w.length != 6 || !w[0].equals("G")) {
                continue;
            }
            long[] h = host.get(Integer.parseInt(w[1]));
            if (h != null) {
                byHold.computeIfAbsent(Integer.parseInt(w[2]), k -> new ArrayList<>()).add(new long[]{
                        h[0] - (Long.parseLong(w[4]) - guestMinusHost), h[0] - (Long.parseLong(w[3]) - guestMinusHost),
                        Long.parseLong(w[5]) - guestMinusHost - h[1]});
            }
        }
        if (byHold.isEmpty()) {
            System.out.println("# no exchanges; guest output:\n" + guestOut);
            return;
        }
        for (var e : byHold.entrySet()) {
            List<long[]> v = e.getValue();
            System.out.printf(Locale.ROOT, "%-10s %7d %5d %9.1f %9.1f %9.1f %9.1f %12.1f %11.1f%n", cpu < 0 ? "any-cpu" : "cpu" + cpu,
                    e.getKey(), v.size(), quantile(v, r -> r[0], 0.5), quantile(v, r -> r[1], 0.5), quantile(v, r -> r[2], 0.5),
                    quantile(v, r -> r[2], 0.9), quantile(v, r -> (r[0] - r[2]) / 2.0, 0.5), quantile(v, r -> (r[1] - r[2]) / 2.0, 0.5));
        }
    }

    /** The q-quantile of f over v, µs. */
    private static double quantile(List<long[]> v, java.util.function.ToDoubleFunction<long[]> f, double q) {
        double[] a = v.stream().mapToDouble(f).sorted().toArray();
        return a[(int) Math.min(a.length - 1, Math.floor(q * a.length))] / 1e3;
    }
}
