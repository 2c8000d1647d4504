package timeslave.ref.rfc868;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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
import timeslave.time.Epochs;
import timeslave.time.TimeSource;

/**
 * IRIX timeslave's {@code -H host} reference (PROTOCOLS.md §3): the RFC 868 time service gives the
 * date, a burst of ICMP Timestamp requests gives the offset within the day, and the two are joined
 * into one offset. Each ICMP reply is matched to its own request by id and sequence and must echo
 * our originate; the lowest-delay replies are kept.
 */
public final class Rfc868IcmpReference implements Reference {
    /** ICMP timestamps count whole ms; a server stamp lies somewhere in its ms (RFC 792). */
    static final long ICMP_RESOLUTION_NANOS = Epochs.NANOS_PER_MILLI;
    /** Linux and BSD truncate to the ms, so a field names the start of its ms: read it as the middle. */
    static final long ICMP_HALF_MS_NANOS = Epochs.NANOS_PER_MILLI / 2;
    /** Beyond half a day the ICMP offset is ambiguous: the date alone is used (PROTOCOLS.md §3 step 2). */
    static final long HALF_DAY_NANOS = Epochs.NANOS_PER_DAY / 2;
    /**
     * How far beyond their own bounds the date and the joined ICMP offset may disagree before the pair is
     * refused: one second, for a time service that rounds rather than truncates or sits a leap second apart.
     */
    static final long DATE_AGREEMENT_SLACK_NANOS = Epochs.NANOS_PER_SECOND;
    /** Debug level for ICMP traffic that is simply not ours (other hosts' pings, our own requests on loopback). */
    static final int FOREIGN_ICMP_DEBUG_LEVEL = 3;
    private static final int SEQUENCE_MODULUS = 1 << 16;

    private final String name;
    private final Inet4Address host;
    private final ReferenceConfig config;
    private final TimeSource time;
    private final Log log;
    private final TimeService timeService;
    private final IcmpChannel icmp;
    private final Rejects rejects;
    private final FailureLog dateFailures;
    private final FailureLog icmpFailures;
    /** ICMP alone, with no date, relies on the local clock's date: it too must lie in the sane window. */
    private final DateWindow aloneDates;
    private final int id;
    private int nextSequence = 1;
    private boolean loggedIcmpAlone;
    private final Map<String, Long> foreign = new HashMap<>();

    /**
     * @param icmp the ICMP channel, or null when no raw socket could be opened (the date alone is then used)
     */
    public Rfc868IcmpReference(String name, Inet4Address host, ReferenceConfig config, TimeSource time, Log log,
                               IcmpChannel icmp, int id) throws MeasurementException {
        this.name = name;
        this.host = host;
        this.config = config;
        this.time = time;
        this.log = log;
        this.icmp = icmp;
        this.id = id & 0xFFFF;
        this.rejects = new Rejects(log, name);
        this.dateFailures = new FailureLog(log, config.quiet());
        this.icmpFailures = new FailureLog(log, config.quiet());
        this.aloneDates = new DateWindow(log, name + " (ICMP alone, by the local date)");
        try {
            this.timeService = new TimeService(name, new InetSocketAddress(host, config.timePort()),
                    config.dateWaitNanos(), config.forcedYear(), time, log, rejects);
        } catch (IOException e) {
            throw new MeasurementException(Kind.LOCAL, "cannot open a UDP socket for " + name + ": " + e.getMessage(), e);
        }
    }

    /** Opens the raw ICMP socket (logging once if it cannot) and builds the reference; id = our pid. */
    public static Rfc868IcmpReference open(String name, Inet4Address host, ReferenceConfig config, TimeSource time,
                                           Log log) throws MeasurementException {
        IcmpChannel icmp = null;
        try {
            icmp = RawIcmpSocket.open(time);
        } catch (IOException e) {
            log.err("no ICMP timestamps for " + name + ": " + e.getMessage() + "; using the time service alone (+-0.5 s)");
        }
        return new Rfc868IcmpReference(name, host, config, time, log, icmp, (int) ProcessHandle.current().pid());
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
        Probe date;
        try {
            date = timeService.date();
        } catch (IOException e) {
            throw new MeasurementException(Kind.LOCAL, "network error talking to " + name + ": " + e.getMessage(), e);
        }
        if (date == null) {
            dateFailures.failed("no date from " + name + " (time service): " + timeService.lastFailure());
        } else {
            dateFailures.succeeded("date from " + name + " again");
        }
        if (date != null && (Math.abs(date.offsetNanos()) > HALF_DAY_NANOS || icmp == null)) {
            return Probe.reduce(name, List.of(date), 0, 0);
        }
        if (icmp == null) {
            throw new MeasurementException(Kind.UNREACHABLE, "no date from " + name + " and no ICMP socket");
        }
        List<Probe> probes = new ArrayList<>();
        int sent;
        try {
            sent = burst(probes);
        } catch (IOException e) {
            throw new MeasurementException(Kind.LOCAL, "ICMP error talking to " + name + ": " + e.getMessage(), e);
        }
        if (probes.size() < config.minTrials()) {
            String msg = probes.size() + " responses in " + sent + " trials from " + name;
            icmpFailures.failed(msg);
            throw new MeasurementException(Kind.UNREACHABLE, msg);
        }
        Sample fine;
        try {
            fine = Probe.reduce(name, probes, ICMP_RESOLUTION_NANOS, ICMP_RESOLUTION_NANOS);
        } catch (MeasurementException e) {
            icmpFailures.failed(e.getMessage());
            throw e;
        }
        icmpFailures.succeeded(name + " answers ICMP again");
        if (date == null) {
            try {
                aloneDates.check(fine.localNanos() + fine.offsetNanos(), fine.localNanos());
            } catch (BadReply bad) {
                rejects.reject(bad);
                throw new MeasurementException(Kind.BAD_REPLY, name + ": " + bad.getMessage());
            }
            if (!loggedIcmpAlone) {
                log.notice("using ICMP timestamps alone for " + name + ": no date, so the local clock is assumed right to +-12 h");
                loggedIcmpAlone = true;
            }
            return fine;
        }
        loggedIcmpAlone = false;
        long offset = combine(date.offsetNanos(), fine.offsetNanos());
        long slackNanos = date.extraErrorNanos() + date.delayNanos() / 2 + fine.errorNanos() + DATE_AGREEMENT_SLACK_NANOS;
        if (Math.abs(offset - date.offsetNanos()) > slackNanos) {
            BadReply bad = new BadReply("date-mismatch", "time service says " + date.offsetNanos() / Epochs.NANOS_PER_MILLI
                    + " ms, ICMP gives " + offset / Epochs.NANOS_PER_MILLI + " ms");
            rejects.reject(bad);
            throw new MeasurementException(Kind.BAD_REPLY, name + ": " + bad.getMessage());
        }
        return new Sample(name, fine.monoNanos(), fine.localNanos(), offset, fine.delayNanos(), fine.errorNanos());
    }

    /**
     * Joins the date's coarse offset with ICMP's offset within the day (PROTOCOLS.md §3):
     * offset = fine + 1 day × round((coarse − fine) / 1 day); valid while the date is right to ±12 h.
     */
    static long combine(long coarseNanos, long fineNanos) {
        long days = Math.round((double) (coarseNanos - fineNanos) / Epochs.NANOS_PER_DAY);
        return fineNanos + days * Epochs.NANOS_PER_DAY;
    }

    /**
     * Sends up to -T probes, the next as soon as the newest is answered or after -w, until -t replies
     * have come (TIMESLAVE-BEHAVIOUR.md §4 step 2). Returns the number sent.
     */
    private int burst(List<Probe> probes) throws IOException {
        for (int i = 0; i < timeslave.ref.sntp.UdpPort.MAX_DRAIN && icmp.receive(time.monotonicNanos()) != null; i++) {
            // drain: anything queued predates this burst
        }
        Map<Integer, long[]> outstanding = new HashMap<>();   // sequence → {originate ms, t1 real, t1 mono}
        int sent = 0;
        while (sent < config.maxTrials() && probes.size() < config.minTrials()) {
            int seq = nextSequence;
            nextSequence = nextSequence % (SEQUENCE_MODULUS - 1) + 1;
            long originate = originateMillis(time.realtimeNanos());
            byte[] request = IcmpTimestamp.request(id, seq, originate);
            long t1 = icmp.send(request, host);
            long t1Mono = time.monotonicNanos();
            outstanding.put(seq, new long[] {originate, t1, t1Mono});
            sent++;
            long deadline = t1Mono + config.probeWaitNanos();
            boolean answered = false;
            while (!answered) {
                IcmpChannel.Datagram d = icmp.receive(deadline);
                if (d == null) {
                    break;
                }
                try {
                    IcmpTimestamp reply = IcmpTimestamp.parse(d.data());
                    long[] request1 = match(reply, outstanding);
                    outstanding.remove(reply.sequence());
                    probes.add(probe(reply, request1[1], request1[2], d.realtimeNanos(), d.monoNanos()));
                    answered = reply.sequence() == seq;
                } catch (BadReply bad) {
                    if (bad.reason.equals("wrong-type") || bad.reason.equals("wrong-id")) {
                        foreign.merge(bad.reason, 1L, Long::sum);
                        log.debug(FOREIGN_ICMP_DEBUG_LEVEL, "ignored ICMP not for us: " + bad.getMessage());
                    } else {
                        rejects.reject(bad);
                    }
                }
            }
        }
        return sent;
    }

    /** Checks a parsed reply against the outstanding requests; returns its request's stamps. */
    private long[] match(IcmpTimestamp reply, Map<Integer, long[]> outstanding) throws BadReply {
        if (reply.id() != id) {
            throw new BadReply("wrong-id", "id " + reply.id() + ", ours " + id);
        }
        if (!reply.source().equals(host)) {
            throw new BadReply("wrong-source", "from " + reply.source().getHostAddress() + ", expected " + host.getHostAddress());
        }
        long[] req = outstanding.get(reply.sequence());
        if (req == null) {
            throw new BadReply("wrong-sequence", "sequence " + reply.sequence() + " is not outstanding (late, duplicate or replayed)");
        }
        if (reply.originate() != req[0]) {
            throw new BadReply("wrong-originate", "originate " + reply.originate() + ", we sent " + req[0]);
        }
        return req;
    }

    /**
     * One ICMP exchange from our precise send and receive stamps t1, t4 and the server's ms fields r, t
     * (each read as the middle of its ms): out = r − t1, back = t4 − t, each wrapped to ±½ day;
     * offset = (out − back)/2, delay = (t4 − t1) − (t − r) (PROTOCOLS.md §2, RFC 5905 §8 form).
     */
    static Probe probe(IcmpTimestamp reply, long t1, long t1Mono, long t4, long t4Mono) throws BadReply {
        long r = reply.receive() * Epochs.NANOS_PER_MILLI + ICMP_HALF_MS_NANOS;
        long t = reply.transmit() * Epochs.NANOS_PER_MILLI + ICMP_HALF_MS_NANOS;
        long hold = Epochs.wrapHalfDayNanos(t - r);
        if (hold < 0) {
            throw new BadReply("reversed", "server transmit " + reply.transmit() + " ms before its receive " + reply.receive());
        }
        // A server cannot hold the request longer than it took to come back, beyond the 1 ms its fields count
        // in: such a reply is refused, never clamped to delay 0 (RFC 5905 §8 form, as for SNTP).
        if (hold > (t4 - t1) + ICMP_RESOLUTION_NANOS) {
            throw new BadReply("hold-exceeds-round-trip", "server held the request " + (t - r) / Epochs.NANOS_PER_MILLI
                    + " ms, round trip " + (t4 - t1) + " ns");
        }
        long out = Epochs.wrapHalfDayNanos(r - Epochs.nanosOfUtDay(t1));
        long back = Epochs.wrapHalfDayNanos(Epochs.nanosOfUtDay(t4) - t);
        long offset = Math.floorDiv(out - back, 2);
        long delay = Math.max(0, (t4 - t1) - hold);
        return new Probe(offset, delay, 0, t1 + (t4 - t1) / 2, t1Mono + (t4Mono - t1Mono) / 2);
    }

    /** Our originate field: ms of the UT day, rounded as IRIX does ((tv_usec + 500)/1000). */
    static long originateMillis(long realtimeNanos) {
        return (Epochs.nanosOfUtDay(realtimeNanos) + ICMP_HALF_MS_NANOS) / Epochs.NANOS_PER_MILLI % Epochs.MILLIS_PER_DAY;
    }

    @Override
    public void close() {
        timeService.close();
        if (icmp != null) {
            icmp.close();
        }
    }
}
