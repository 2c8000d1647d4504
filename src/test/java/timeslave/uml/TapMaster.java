package timeslave.uml;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Assumptions;
import timeslave.os.SystemTime;
import timeslave.ref.ExternalServer;
import timeslave.ref.sntp.BadReply;
import timeslave.ref.sntp.NtpPacket;
import timeslave.ref.sntp.UdpPort;
import timeslave.time.Epochs;

/**
 * The master for real-kernel tests: {@code chronyd -x} (it never touches a clock) on the host end of
 * a tap, its clock faked by libfaketime to run {@link #RATE} fast ({@code FAKETIME="+5 x1.00005"}),
 * so a guest following it must learn +50 ppm.
 *
 * <p>Why the +5 s: chronyd stamps received requests with the kernel's (unfaked) receive timestamp
 * whenever that lies between 0 and 1 s before its own (faked) reading, which under a pure rate
 * change it would for hours, and its replies would then mix real and faked time. Five seconds ahead
 * puts every kernel stamp outside that window, so chronyd uses its own faked reading for both.
 *
 * <p>The truth: master − host = a + (RATE − 1)·(t − t₀) with libfaketime's exact rate; {@link #probe}
 * measures it from the host (a two-way exchange over the host's own stack, a few µs), and
 * {@link #masterMinusHostNanos} uses the median intercept of the quickest probes.
 */
public final class TapMaster implements AutoCloseable {
    public static final double RATE = 1.00005;
    public static final long SHIFT_NANOS = 5_000_000_000L;
    static final String FAKETIME = "+5 x1.00005";
    /** Probes within this much of the quickest round trip count for the intercept. */
    static final long DELAY_SLACK_NANOS = 20_000;

    private final ExternalServer chronyd;
    private final InetSocketAddress address;
    private final UdpPort port;
    private final SplittableRandom random = new SplittableRandom();
    private final List<long[]> probes = new ArrayList<>();   // {hostMidNanos, offsetNanos, delayNanos}
    private long t0;
    private double rate;

    private TapMaster(ExternalServer chronyd, InetSocketAddress address) throws IOException {
        this.chronyd = chronyd;
        this.address = address;
        this.port = new UdpPort(address, new SystemTime());
    }

    /** Starts chronyd on {@code tap}'s host address, faked fast (or true time when {@code faked} is false). */
    public static TapMaster start(Path dir, Tap tap, boolean faked) throws IOException, InterruptedException {
        ExternalServer.assumeBinary(ExternalServer.CHRONYD);
        Assumptions.assumeTrue(!faked || Files.exists(Path.of(ExternalServer.LIBFAKETIME)),
                ExternalServer.LIBFAKETIME + " missing (package libfaketime)");
        int port = ExternalServer.freeUdpPort();
        Files.writeString(dir.resolve("chrony.conf"), String.join("\n",
                "port " + port, "bindaddress " + tap.hostIp, "local stratum 1", "allow " + tap.hostIp + "/30",
                "cmdport 0", "pidfile " + dir.resolve("chronyd.pid"), "driftfile " + dir.resolve("drift"), ""));
        Map<String, String> env = faked
                ? Map.of("LD_PRELOAD", ExternalServer.LIBFAKETIME, "FAKETIME", FAKETIME, "FAKETIME_DONT_FAKE_MONOTONIC", "1")
                : Map.of();
        ExternalServer c = ExternalServer.start(dir, env, List.of(ExternalServer.CHRONYD, "-x", "-d", "-u", "root",
                "-f", dir.resolve("chrony.conf").toString()));
        TapMaster m;
        try {
            m = new TapMaster(c, new InetSocketAddress(tap.hostIp, port));
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
        m.rate = faked ? RATE : 1.0;
        try {
            for (int i = 0; i < 50; i++) {
                if (m.probe()) {
                    return m;
                }
                if (!c.alive()) {
                    throw new IOException("chronyd exited: " + c.output());
                }
                Thread.sleep(100);
            }
            throw new IOException("chronyd never answered on " + m.address + ": " + c.output());
        } catch (IOException | RuntimeException | InterruptedException e) {
            m.close();   // never leave the master running (a failed start once left one behind)
            throw e;
        }
    }


    /** The master's address as timeslave names it. */
    public String sntpName() {
        return "sntp:" + address.getHostString() + ":" + address.getPort();
    }

    public InetSocketAddress address() {
        return address;
    }

    /**
     * One NTP exchange from the host through the daemon's own {@link UdpPort}; false if no good reply came
     * within 200 ms. T1 is the kernel's transmit stamp and T4 its receive stamp (the reading before the
     * send and after the receive where it gives none): a reading after the JVM woke up to a reply is late
     * by the wake-up, and half of that would be in every offset the oracle reports.
     */
    public boolean probe() throws IOException {
        long nonce = random.nextLong() | 1;
        byte[] req = NtpPacket.request(nonce);
        port.drain();   // late replies to earlier probes, and a refusal from before chronyd listened
        long t1 = port.send(req);
        long deadline = System.nanoTime() + 200_000_000L;
        UdpPort.Datagram p;
        try {
            do {
                p = port.receive(deadline);
            } while (p != null && !port.fromServer(p.from()));
        } catch (PortUnreachableException notYet) {
            return false;   // chronyd is not listening (yet)
        }
        if (p == null) {
            return false;
        }
        long t4 = p.realtimeNanos();
        NtpPacket r;
        try {
            r = NtpPacket.decodeReply(p.data(), nonce);
        } catch (BadReply e) {
            return false;
        }
        long t2 = Epochs.posixNanosFromNtp64(r.receive(), t1);
        long t3 = Epochs.posixNanosFromNtp64(r.transmit(), t1);
        synchronized (probes) {
            if (probes.isEmpty()) {
                t0 = t1;
            }
            probes.add(new long[]{t1 + (t4 - t1) / 2, ((t2 - t1) + (t3 - t4)) / 2, (t4 - t1) - (t3 - t2)});
        }
        return true;
    }

    /** master − host at a host real-time instant, ns, from the probes so far. */
    public double masterMinusHostNanos(long hostRealtimeNanos) {
        double[] fit = fit();
        return fit[0] + (rate - 1) * (hostRealtimeNanos - t0);
    }

    /** How many probes were answered. */
    int probes() {
        synchronized (probes) {
            return probes.size();
        }
    }

    /** {intercept, quickest delay, probes used}. */
    double[] fit() {
        synchronized (probes) {
            long min = probes.stream().mapToLong(p -> p[2]).min().orElseThrow();
            double[] a = probes.stream().filter(p -> p[2] <= min + DELAY_SLACK_NANOS)
                    .mapToDouble(p -> p[1] - (rate - 1) * (p[0] - t0)).sorted().toArray();
            return new double[]{a[a.length / 2], min, a.length};
        }
    }

    /** How well the probes agree with the model: the spread (max − min) of the used intercepts, ns. */
    double spreadNanos() {
        synchronized (probes) {
            long min = probes.stream().mapToLong(p -> p[2]).min().orElseThrow();
            double[] a = probes.stream().filter(p -> p[2] <= min + DELAY_SLACK_NANOS)
                    .mapToDouble(p -> p[1] - (rate - 1) * (p[0] - t0)).sorted().toArray();
            return a[a.length - 1] - a[0];
        }
    }

    public String output() {
        return chronyd.output();
    }

    @Override
    public void close() {
        port.close();
        chronyd.close();
    }
}
