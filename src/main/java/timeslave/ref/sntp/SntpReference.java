package timeslave.ref.sntp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import timeslave.time.Sample;
import timeslave.log.Log;
import timeslave.time.MeasurementException;
import timeslave.time.MeasurementException.Kind;
import timeslave.time.Reference;
import timeslave.ref.DateWindow;
import timeslave.ref.ReferenceConfig;
import timeslave.time.Epochs;
import timeslave.time.TimeSource;

/**
 * SNTP client (RFC 4330, NTPv4 client mode of RFC 5905) for {@code -H sntp:host[:port]}: each
 * measurement is a burst of up to -T requests 2 s apart (back to back on loopback), like chrony's
 * iburst, stopping after -t good replies, and reduces them with {@link Probe#reduce} (the agreeing majority,
 * then the lowest delay). A random transmit timestamp is each request's nonce; it is cleared once
 * matched, whatever the verdict on the reply, so a late, duplicated, replayed or second reply can never
 * be taken for a newer one. A reply whose hold time exceeds its round trip, or whose date lies outside the
 * sane window ({@link DateWindow}), is refused.
 */
public final class SntpReference implements Reference {
    public static final int DEFAULT_PORT = 123;
    /** First hold-off after a KoD RATE (RFC 5905 §7.4 says to increase the poll interval); doubles per RATE. */
    static final long RATE_BACKOFF_START_NANOS = 64L * Epochs.NANOS_PER_SECOND;
    /** Longest hold-off after repeated RATE kisses: RFC 5905's maximum poll interval, 2^17 s. */
    static final long RATE_BACKOFF_MAX_NANOS = (1L << 17) * Epochs.NANOS_PER_SECOND;
    /**
     * Least time between two requests of a burst: 2 s, RFC 5905's minimum headway (ntpd's "discard
     * minimum"), as chrony's iburst spaces its requests; servers with rate limiting drop or kiss closer ones.
     */
    static final long MIN_HEADWAY_NANOS = 2L * Epochs.NANOS_PER_SECOND;
    /** To a server on this host there is no one to protect: requests go back to back. */
    static final long LOOPBACK_HEADWAY_NANOS = 0;
    /**
     * How far the server's hold time T3 − T2 may exceed our round trip T4 − T1 before the reply is refused:
     * the server's clock tick (its precision), at most 1 ms. Within it the delay counts as 0.
     */
    static final long MAX_HOLD_TOLERANCE_NANOS = Epochs.NANOS_PER_MILLI;
    /** Stratum-0 codes that mean "stop using this server" (RFC 5905 §7.4). */
    private static final List<String> REFUSING_KISSES = List.of("DENY", "RSTR");

    private final String name;
    private final ReferenceConfig config;
    private final TimeSource time;
    private final Log log;
    private final UdpPort port;
    private final Rejects rejects;
    private final FailureLog failures;
    private final DateWindow dates;
    private final SecureRandom random = new SecureRandom();
    private final long headwayNanos;
    private long outstandingNonce;
    private long lastTransmit;
    private String refusedBy;
    private long rateBackoffNanos;
    private long holdOffUntilMono = Long.MIN_VALUE;
    private volatile int lastStratum;

    public SntpReference(String name, InetSocketAddress server, ReferenceConfig config, TimeSource time, Log log)
            throws MeasurementException {
        this(name, server, config, time, log,
                server.getAddress().isLoopbackAddress() ? LOOPBACK_HEADWAY_NANOS : MIN_HEADWAY_NANOS);
    }

    /** As above with an explicit least time between the requests of a burst (for tests). */
    SntpReference(String name, InetSocketAddress server, ReferenceConfig config, TimeSource time, Log log,
                  long headwayNanos) throws MeasurementException {
        this.name = name;
        this.config = config;
        this.time = time;
        this.log = log;
        try {
            this.port = new UdpPort(server, time);
        } catch (IOException e) {
            throw new MeasurementException(Kind.LOCAL, "cannot open a UDP socket for " + name + ": " + e.getMessage(), e);
        }
        this.rejects = new Rejects(log, name);
        this.failures = new FailureLog(log, config.quiet());
        this.dates = new DateWindow(log, name);
        this.headwayNanos = headwayNanos;
    }

    @Override
    public String name() {
        return name;
    }

    /** The stratum of the server's last accepted reply, 0 before the first (our NTP server serves one more). */
    public int lastStratum() {
        return lastStratum;
    }

    /** Rejected replies by reason (for tests and the debug log). */
    public Rejects rejects() {
        return rejects;
    }

    @Override
    public Sample measure() throws MeasurementException {
        if (refusedBy != null) {
            throw new MeasurementException(Kind.REFUSED, name + " refused service (KoD " + refusedBy + "); not asking again");
        }
        long now = time.monotonicNanos();
        if (now < holdOffUntilMono) {
            throw new MeasurementException(Kind.BAD_REPLY, name + " asked us to slow down (KoD RATE); holding off "
                    + (holdOffUntilMono - now) / Epochs.NANOS_PER_SECOND + " s more");
        }
        List<Probe> probes = new ArrayList<>();
        int sent = 0;
        Map<String, Long> rejectedBefore = rejects.counts();
        try {
            port.drain();
            long lastSendMono = Long.MIN_VALUE;
            while (sent < config.maxTrials() && probes.size() < config.minTrials()) {
                if (sent > 0) {
                    waitRejecting(lastSendMono + headwayNanos);
                }
                sent++;
                lastSendMono = time.monotonicNanos();
                Probe p = probeOnce();
                if (p != null) {
                    probes.add(p);
                }
                if (refusedBy != null || time.monotonicNanos() < holdOffUntilMono) {
                    break;
                }
            }
        } catch (java.net.PortUnreachableException e) {
            String msg = "port unreachable: " + name + " (ICMP, after " + sent + (sent == 1 ? " trial)" : " trials)");
            failures.failed(msg);
            throw new MeasurementException(Kind.UNREACHABLE, msg, e);
        } catch (IOException e) {
            throw new MeasurementException(Kind.LOCAL, "network error talking to " + name + ": " + e.getMessage(), e);
        } finally {
            outstandingNonce = 0;
        }
        if (refusedBy != null) {
            throw new MeasurementException(Kind.REFUSED, name + " refused service (KoD " + refusedBy + ")");
        }
        if (probes.isEmpty()) {
            String refused = Rejects.since(rejectedBefore, rejects.counts());
            String msg = "0 responses in " + sent + " trials from " + name + (refused.isEmpty() ? "" : "; refused: " + refused);
            failures.failed(msg);
            throw new MeasurementException(time.monotonicNanos() < holdOffUntilMono ? Kind.BAD_REPLY : Kind.UNREACHABLE, msg);
        }
        if (time.monotonicNanos() >= holdOffUntilMono) {
            rateBackoffNanos = 0;   // a RATE in this very burst keeps its back-off doubling
        }
        return Probe.reduceBurst(name, probes, failures);
    }

    /**
     * Waits until a monotonic time, reading the socket meanwhile: with no request outstanding, anything
     * that arrives is late or foreign and is rejected.
     */
    private void waitRejecting(long untilMono) throws IOException {
        UdpPort.Datagram d;
        while (time.monotonicNanos() < untilMono && (d = port.receive(untilMono)) != null) {
            try {
                accept(d, 0, 0);
            } catch (BadReply bad) {
                rejects.reject(bad);
            }
        }
    }

    /** One request and the wait for its reply; null if none usable came within -w. */
    private Probe probeOnce() throws IOException {
        long nonce;
        do {
            nonce = random.nextLong();
        } while (nonce == 0);
        outstandingNonce = nonce;
        long t1 = port.send(NtpPacket.request(nonce));
        long t1Mono = time.monotonicNanos();
        long deadline = t1Mono + config.probeWaitNanos();
        while (true) {
            UdpPort.Datagram d = port.receive(deadline);
            if (d == null) {
                outstandingNonce = 0;
                return null;
            }
            try {
                Probe p = accept(d, t1, t1Mono);
                if (p != null) {
                    return p;
                }
            } catch (BadReply bad) {
                rejects.reject(bad);
            }
            if (refusedBy != null || holdOffUntilMono > t1Mono || outstandingNonce == 0) {
                return null;   // acted-on KoD, or our nonce used up by a refused reply: nothing more can match
            }
        }
    }

    /**
     * Checks one datagram against the outstanding request; a probe, null for an acted-on KoD, or BadReply.
     * A datagram that echoes the outstanding nonce uses it up, whatever the verdict on the rest of it:
     * no second reply to the same request can then be believed (the manual's "forgotten once matched").
     */
    private Probe accept(UdpPort.Datagram d, long t1, long t1Mono) throws BadReply {
        if (!port.fromServer(d.from())) {
            throw new BadReply("wrong-source", "from " + d.from() + ", expected " + port.server());
        }
        if (d.data().length >= NtpPacket.HEADER_BYTES && lastTransmit != 0
                && NtpPacket.getLong(d.data(), 40) == lastTransmit) {
            throw new BadReply("duplicate", String.format("transmit %016x seen before", lastTransmit));
        }
        long expected = outstandingNonce;
        if (expected != 0 && d.data().length >= NtpPacket.HEADER_BYTES && NtpPacket.getLong(d.data(), 24) == expected) {
            outstandingNonce = 0;
        }
        NtpPacket p;
        try {
            p = NtpPacket.decodeReply(d.data(), expected);
        } catch (BadReply bad) {
            if (bad.reason.equals("sentinel")) {
                dates.refuse(bad.reason, bad.detail);
            }
            throw bad;
        }
        if (p.stratum() == NtpPacket.STRATUM_KOD) {
            kiss(p.kissCode());
            return null;
        }
        lastTransmit = p.transmit();
        lastStratum = p.stratum();
        long t4 = d.realtimeNanos();
        long pivot = Epochs.eraPivotPosixSeconds(Math.floorDiv(t1, Epochs.NANOS_PER_SECOND)) * Epochs.NANOS_PER_SECOND;
        long t2 = Epochs.posixNanosFromNtp64(p.receive(), pivot);
        long t3 = Epochs.posixNanosFromNtp64(p.transmit(), pivot);
        if (t3 < t2) {
            throw new BadReply("reversed", "server transmit " + (t2 - t3) + " ns before its receive");
        }
        long precisionNanos = precisionNanos(p.precision());
        // RFC 5905 §8: δ = (T4 − T1) − (T3 − T2). A server cannot hold a request longer than it took to
        // come back (beyond its clock's tick): such a reply is refused, never clamped to delay 0.
        long hold = t3 - t2;
        long roundTrip = t4 - t1;
        if (hold > roundTrip + Math.min(precisionNanos, MAX_HOLD_TOLERANCE_NANOS)) {
            throw new BadReply("hold-exceeds-round-trip", "server held the request " + hold + " ns, round trip "
                    + roundTrip + " ns");
        }
        dates.check(t3, t4);
        // RFC 5905 §8: θ = ((T2 − T1) + (T3 − T4)) / 2.
        long offset = Math.floorDiv((t2 - t1) + (t3 - t4), 2);
        long delay = Math.max(0, roundTrip - hold);
        // The server's own distance to true time (RFC 5905 §11.2: root delay/2 + root dispersion) and its precision.
        long extra = precisionNanos + Epochs.ntpShortToNanos(p.rootDelay()) / 2 + Epochs.ntpShortToNanos(p.rootDispersion());
        return new Probe(offset, delay, extra, t1 + (t4 - t1) / 2, t1Mono + (d.monoNanos() - t1Mono) / 2);
    }

    /** Acts on a Kiss-o'-Death that answered our own request (RFC 5905 §7.4). */
    private void kiss(String code) throws BadReply {
        if (REFUSING_KISSES.contains(code)) {
            refusedBy = code;
            log.err("sntp server " + name + " refused service (KoD " + code + "); no longer using it");
            throw new BadReply("kod", code);
        }
        if (code.equals("RATE")) {
            rateBackoffNanos = rateBackoffNanos == 0 ? RATE_BACKOFF_START_NANOS
                    : Math.min(RATE_BACKOFF_MAX_NANOS, 2 * rateBackoffNanos);
            holdOffUntilMono = time.monotonicNanos() + rateBackoffNanos;
            log.notice("sntp server " + name + " asked us to slow down (KoD RATE); holding off "
                    + rateBackoffNanos / Epochs.NANOS_PER_SECOND + " s");
            throw new BadReply("kod", code);
        }
        throw new BadReply("kod", code + (code.startsWith("X") ? " (unknown experimental code, ignored)" : " (discarded)"));
    }

    /** 2^precision s in ns, at least 1 ns (precision is a signed log2, RFC 5905 §7.3). */
    static long precisionNanos(int precision) {
        double s = Math.scalb(1.0, Math.max(-40, Math.min(10, precision)));
        return Math.max(1, Math.round(s * Epochs.NANOS_PER_SECOND));
    }

    @Override
    public void close() {
        port.close();
    }
}
