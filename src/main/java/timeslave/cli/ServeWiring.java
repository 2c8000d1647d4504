package timeslave.cli;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import timeslave.core.Ensemble;
import timeslave.core.LeapPlanner;
import timeslave.log.Log;
import timeslave.os.LeapSecondsFile;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.sntp.SntpReference;
import timeslave.serve.NtpServerCodec;
import timeslave.serve.ServedClock;
import timeslave.serve.Serving;
import timeslave.time.LeapSeconds;
import timeslave.time.Reference;
import timeslave.time.TimeSource;

/**
 * Wires the servers to the daemon (issue 11): who our upstream is for NTP (stratum and reference
 * ID, RFC 5905 §7.3), the leap-seconds table, the clock-read precision; then starts {@link Serving}.
 */
final class ServeWiring {
    /** Clock reads taken to measure the precision. */
    static final int PRECISION_READS = 2_000;

    private ServeWiring() {
    }

    /** Starts what {@code o} asks to serve; the caller hands the result to {@code Slave.publishTo}. */
    static Serving start(Options o, Reference ref, TimeSource time, Log log) throws Serving.StartFailure {
        LeapSeconds leap = null;
        if (!o.serve().ntp().isEmpty() || o.serve().trueTai()) {
            boolean byDefault = o.leapSecondsFile().equals(ReferenceConfig.defaults().leapSecondsFile());
            LeapPlanner.Table t = LeapSecondsFile.load(o.leapSecondsFile(), byDefault ? LeapSecondsFile.DEBIAN : null, log);
            leap = t == null ? null : t.seconds();
        }
        return Serving.start(o.serve(), servedClock(o, ref, time, leap), log);
    }

    /** The view a server would take of the daemon: upstream, leap table (null: none), precision. */
    static ServedClock servedClock(Options o, Reference ref, TimeSource time, LeapSeconds leap) {
        return new ServedClock(time, upstream(o, ref), leap, o.serve().unsynchronised(),
                NtpServerCodec.precisionLog2(resolutionNanos(time)));
    }

    /**
     * The NTP header {@code clock} gives now, for timeslave-ctl tracking and the metrics: the one served
     * when {@code serving}, else the one --serve-ntp would send (the same clock, upstream and options).
     */
    static timeslave.control.Served header(ServedClock clock, boolean serving) {
        TimeSource t = clock.time();
        NtpServerCodec.Header h = clock.ntpHeader(t.realtimeNanos(), t.monotonicNanos());
        return new timeslave.control.Served(serving, h.leap(), h.stratum(), h.referenceId(),
                h.rootDelay16() / SHORT_UNITS_PER_SECOND, h.rootDispersion16() / SHORT_UNITS_PER_SECOND);
    }

    /** NTP short format (RFC 5905 §6): 16.16 fixed-point seconds. */
    private static final double SHORT_UNITS_PER_SECOND = 65_536.0;

    /**
     * RFC 5905's view of our upstream, asked at every reply. With one master, that master; with several
     * (an {@link Ensemble}), the system peer: among the last round's truechimers, the one whose sample
     * had the smallest error bound; while no round has chosen one, the one chosen last (at first, the
     * first master given).
     */
    static Supplier<ServedClock.Upstream> upstream(Options o, Reference ref) {
        if (ref instanceof Ensemble e && e.memberReferences().size() == o.masters().size()) {
            List<Reference> refs = e.memberReferences();
            List<ServedClock.Upstream> each = new ArrayList<>();
            for (int i = 0; i < refs.size(); i++) {
                each.add(upstream(o, o.masters().get(i), refs.get(i)));
            }
            AtomicInteger chosen = new AtomicInteger();
            return () -> each.get(chosen.updateAndGet(previous -> systemPeer(e.lastRound(), previous)));
        }
        ServedClock.Upstream one = upstream(o, o.masters().get(0), ref);
        return () -> one;
    }

    /** The index of the truechimer with the smallest error bound in {@code round}, else {@code previous}. */
    static int systemPeer(List<Ensemble.Member> round, int previous) {
        int best = previous;
        long bestError = Long.MAX_VALUE;
        for (int i = 0; i < round.size(); i++) {
            Ensemble.Member m = round.get(i);
            if (m.truechimer() && m.sample() != null && m.sample().errorNanos() < bestError) {
                best = i;
                bestError = m.sample().errorNanos();
            }
        }
        return best;
    }

    /**
     * One master as RFC 5905 sees it: a receiver, or an RFC 868, ICMP or TAICLOCK master, counts as
     * stratum 1; an NTP master's stratum is what it last said. The reference ID is the master's IPv4
     * address (for IPv6 the first four bytes of the MD5 of the address), or a receiver's letters.
     */
    static ServedClock.Upstream upstream(Options o, Options.Master master, Reference ref) {
        if (master.serial()) {
            return ServedClock.Upstream.primary(NtpServerCodec.asciiId(o.clockType().equals("TT600") ? "GPS" : "WWV"));
        }
        String spec = master.spec();
        boolean sntp = spec.startsWith("sntp:");
        String host = spec.matches("[a-z]+:.*") ? spec.substring(spec.indexOf(':') + 1) : spec;
        if (host.startsWith("[")) {
            host = host.substring(1, Math.max(1, host.indexOf(']')));
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            host = host.substring(0, host.indexOf(':'));
        }
        int id = referenceId(host);
        if (sntp && ref instanceof SntpReference s) {
            return new ServedClock.Upstream(s::lastStratum, id);
        }
        return ServedClock.Upstream.primary(id);
    }

    static int referenceId(String host) {
        try {
            InetAddress a = InetAddress.getByName(host);
            byte[] b = a.getAddress();
            if (!(a instanceof Inet4Address)) {
                b = MessageDigest.getInstance("MD5").digest(b);
            }
            return (b[0] & 0xFF) << 24 | (b[1] & 0xFF) << 16 | (b[2] & 0xFF) << 8 | (b[3] & 0xFF);
        } catch (UnknownHostException | NoSuchAlgorithmException e) {
            return 0;
        }
    }

    /** The clock-read resolution: the smallest step between consecutive readings, ns (RFC 5905 §7.3 precision). */
    static long resolutionNanos(TimeSource time) {
        long best = Long.MAX_VALUE;
        long prev = time.realtimeNanos();
        for (int i = 0; i < PRECISION_READS; i++) {
            long t = time.realtimeNanos();
            if (t > prev) {
                best = Math.min(best, t - prev);
            }
            prev = t;
        }
        return best == Long.MAX_VALUE ? 1_000_000 : best;
    }
}
