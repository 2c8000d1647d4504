package timeslave.uml;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import timeslave.os.KernelStampedUdpSocket;

/**
 * The guest's side of {@link WakeLatencyRun} (run inside a User-Mode Linux guest): sends numbered requests,
 * each asking the host to hold its reply for one of {@link #HOLDS_MICROS} (in a seeded random order, after
 * an idle pause of 200–600 ms), and prints for each the guest's clock before the send, the guest kernel's
 * transmit stamp of the request (SCHED, as the daemon's T1) and its receive stamp of the reply:
 * {@code G SEQ HOLD_US T1_NS SCHED_NS RX_NS}.
 *
 * <p>Arguments: {@code HOST PORT ROUNDS}.
 */
public final class WakeLatencyGuest {
    /** The holds asked for, µs: immediate, within the host's idle polling (~200 µs), and past it. */
    static final int[] HOLDS_MICROS = {0, 100, 300, 1000, 2100, 4000};

    private WakeLatencyGuest() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress host = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        int rounds = Integer.parseInt(args[2]);
        SplittableRandom random = new SplittableRandom(1);
        try (KernelStampedUdpSocket s = KernelStampedUdpSocket.open(host.getAddress(), true)) {
            for (int i = 0; i < rounds; i++) {
                int hold = HOLDS_MICROS[random.nextInt(HOLDS_MICROS.length)];
                Thread.sleep(200 + random.nextInt(400));
                long t1 = GuestClock.hostRealtimeNanos();
                long sched = s.send((i + " " + hold).getBytes(StandardCharsets.US_ASCII), host);
                KernelStampedUdpSocket.Received r = s.receive(2000);
                if (r == null || !r.stamped() || sched == KernelStampedUdpSocket.NO_STAMP) {
                    System.out.println("lost " + i);
                    continue;
                }
                System.out.println("G " + i + " " + hold + " " + t1 + " " + sched + " " + r.kernelRealtimeNanos());
            }
        }
    }
}
