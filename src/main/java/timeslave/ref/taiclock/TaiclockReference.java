package timeslave.ref.taiclock;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import timeslave.time.Sample;
import timeslave.log.Log;
import timeslave.time.MeasurementException;
import timeslave.time.MeasurementException.Kind;
import timeslave.time.Reference;
import timeslave.ref.DateWindow;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.sntp.BadReply;
import timeslave.ref.sntp.FailureLog;
import timeslave.ref.sntp.Probe;
import timeslave.ref.sntp.Rejects;
import timeslave.ref.sntp.UdpPort;
import timeslave.time.Tai64;
import timeslave.time.TimeSource;

/**
 * TAICLOCK client (clockspeed's taiclock, PROTOCOLS.md §5) for {@code -H tai:host[:port]} and
 * {@code -H taitrue:host[:port]}: a burst of up to -T "ctai" requests with random 12-byte cookies,
 * stopping after -t good replies, reduced by {@link Probe#reduce} (the agreeing majority, then the lowest
 * delay); labels read on the source's {@link TaiScale}, refused if they do not fit in POSIX ns or lie
 * outside the sane window ({@link DateWindow}).
 */
public final class TaiclockReference implements Reference {
    public static final int DEFAULT_PORT = 4014;
    /** taiclockd stamps with gettimeofday (1 µs steps) and reports µs + 500 ns: ±0.5 µs, counted as 1 µs. */
    static final long SERVER_RESOLUTION_NANOS = 1_000;

    private final String name;
    private final ReferenceConfig config;
    private final TimeSource time;
    private final TaiScale scale;
    private final UdpPort port;
    private final Rejects rejects;
    private final FailureLog failures;
    private final DateWindow dates;
    private final SecureRandom random = new SecureRandom();
    private byte[] outstanding;

    public TaiclockReference(String name, InetSocketAddress server, TaiScale scale, ReferenceConfig config,
                             TimeSource time, Log log) throws MeasurementException {
        this.name = name;
        this.config = config;
        this.time = time;
        this.scale = scale;
        try {
            this.port = new UdpPort(server, time);
        } catch (IOException e) {
            throw new MeasurementException(Kind.LOCAL, "cannot open a UDP socket for " + name + ": " + e.getMessage(), e);
        }
        this.rejects = new Rejects(log, name);
        this.failures = new FailureLog(log, config.quiet());
        this.dates = new DateWindow(log, name);
    }

    @Override
    public String name() {
        return name;
    }

    public Rejects rejects() {
        return rejects;
    }

    @Override
    public Sample measure() throws MeasurementException {
        List<Probe> probes = new ArrayList<>();
        int sent = 0;
        java.util.Map<String, Long> rejectedBefore = rejects.counts();
        try {
            port.drain();
            while (sent < config.maxTrials() && probes.size() < config.minTrials()) {
                sent++;
                Probe p = probeOnce();
                if (p != null) {
                    probes.add(p);
                }
            }
        } catch (java.net.PortUnreachableException e) {
            String msg = "port unreachable: " + name + " (ICMP, after " + sent + (sent == 1 ? " trial)" : " trials)");
            failures.failed(msg);
            throw new MeasurementException(Kind.UNREACHABLE, msg, e);
        } catch (IOException e) {
            throw new MeasurementException(Kind.LOCAL, "network error talking to " + name + ": " + e.getMessage(), e);
        } finally {
            outstanding = null;
        }
        if (probes.isEmpty()) {
            String refused = Rejects.since(rejectedBefore, rejects.counts());
            String msg = "0 responses in " + sent + " trials from " + name + (refused.isEmpty() ? "" : "; refused: " + refused);
            failures.failed(msg);
            throw new MeasurementException(Kind.UNREACHABLE, msg);
        }
        return Probe.reduceBurst(name, probes, failures);
    }

    private Probe probeOnce() throws IOException {
        byte[] cookie = new byte[TaiclockPacket.COOKIE_BYTES];
        random.nextBytes(cookie);
        outstanding = TaiclockPacket.request(cookie);
        long t1 = port.send(outstanding);
        long t1Mono = time.monotonicNanos();
        long deadline = t1Mono + config.probeWaitNanos();
        while (true) {
            UdpPort.Datagram d = port.receive(deadline);
            if (d == null) {
                outstanding = null;
                return null;
            }
            try {
                return accept(d, t1, t1Mono);
            } catch (BadReply bad) {
                rejects.reject(bad);
            }
            if (outstanding == null) {
                return null;   // our cookie was used up by a refused reply: nothing more can match
            }
        }
    }

    private Probe accept(UdpPort.Datagram d, long t1, long t1Mono) throws BadReply {
        if (!port.fromServer(d.from())) {
            throw new BadReply("wrong-source", "from " + d.from() + ", expected " + port.server());
        }
        if (outstanding == null) {
            throw new BadReply("wrong-cookie", "no request outstanding (late or duplicate reply)");
        }
        Tai64 label = TaiclockPacket.decodeReply(d.data(), outstanding);
        outstanding = null;
        long serverNanos;
        try {
            serverNanos = scale.toPosixNanos(label);
        } catch (IllegalArgumentException e) {
            throw new BadReply("bad-label", e.getMessage());
        }
        long t4 = d.realtimeNanos();
        if (t4 < t1) {
            throw new BadReply("local-step", "the local clock went back " + (t1 - t4) + " ns during the exchange");
        }
        dates.check(serverNanos, t4);
        // One server stamp T for the exchange: offset = T − (t1 + t4)/2, within ±(t4 − t1)/2 (PROTOCOLS.md §5).
        long mid = t1 + (t4 - t1) / 2;
        return new Probe(serverNanos - mid, t4 - t1, SERVER_RESOLUTION_NANOS, mid, t1Mono + (d.monoNanos() - t1Mono) / 2);
    }

    @Override
    public void close() {
        port.close();
    }
}
