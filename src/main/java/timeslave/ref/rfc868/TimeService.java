package timeslave.ref.rfc868;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;
import timeslave.log.Log;
import timeslave.ref.DateWindow;
import timeslave.ref.sntp.BadReply;
import timeslave.ref.sntp.Probe;
import timeslave.ref.sntp.Rejects;
import timeslave.ref.sntp.UdpPort;
import timeslave.time.Epochs;
import timeslave.time.TimeSource;

/**
 * Asks an RFC 868 time service for the date (TIMESLAVE-BEHAVIOUR.md §4 step 1): up to
 * {@value #UDP_TRIES} UDP tries of 4 zero bytes, each waiting -W, then one TCP connection as fallback.
 * The answer is a coarse {@link Probe}: whole server seconds, taken as the middle of their second.
 */
public final class TimeService implements AutoCloseable {
    /** IRIX timeslave's number of UDP date requests per pass. */
    public static final int UDP_TRIES = 3;
    /** A whole-second server clock read at an unknown point of its second: ±0.5 s around its middle. */
    static final long HALF_SECOND_NANOS = Epochs.NANOS_PER_SECOND / 2;
    /** Reasons after which the server is not asked again this pass: its date, not the network, is wrong. */
    private static final Set<String> REFUSED_DATES = Set.of("bad-date", "sentinel");

    private final InetSocketAddress server;
    private final long waitNanos;
    private final OptionalInt forcedYear;
    private final String host;
    private final TimeSource time;
    private final Log log;
    private final Rejects rejects;
    private final UdpPort udp;
    private final Set<String> loggedOnce = new HashSet<>();
    private final DateWindow dates;
    private String lastFailure;

    public TimeService(String host, InetSocketAddress server, long waitNanos, OptionalInt forcedYear, TimeSource time,
                       Log log, Rejects rejects) throws IOException {
        this.host = host;
        this.server = server;
        this.waitNanos = waitNanos;
        this.forcedYear = forcedYear;
        this.time = time;
        this.log = log;
        this.rejects = rejects;
        this.udp = new UdpPort(server, time);
        this.dates = new DateWindow(log, host);
    }

    /** Why the last {@link #date()} returned null ("no answer over UDP or TCP", "bad-year …"). */
    public String lastFailure() {
        return lastFailure;
    }

    /** One date measurement, or null if the service gave none (the reason is in {@link #lastFailure()}). */
    public Probe date() throws IOException {
        lastFailure = "no answer over udp or tcp port " + server.getPort();
        udp.drain();
        for (int i = 0; i < UDP_TRIES; i++) {
            long t1 = udp.send(TimeProtocol.request());
            long t1Mono = time.monotonicNanos();
            long deadline = t1Mono + waitNanos;
            UdpPort.Datagram d;
            while (true) {
                try {
                    d = udp.receive(deadline);
                } catch (java.net.PortUnreachableException closed) {
                    return tcp("udp port unreachable");   // nothing on the UDP port: ask TCP now
                }
                if (d == null) {
                    break;
                }
                try {
                    if (!udp.fromServer(d.from())) {
                        throw new BadReply("wrong-source", "from " + d.from() + ", expected " + server);
                    }
                    return probe(d.data(), t1, t1Mono, d.realtimeNanos(), d.monoNanos());
                } catch (BadReply bad) {
                    rejects.reject(bad);
                    if (bad.reason.equals("bad-year")) {
                        if (loggedOnce.add(bad.detail)) {
                            log.notice(bad.detail);
                        }
                        lastFailure = bad.detail;
                        return null;
                    }
                    if (REFUSED_DATES.contains(bad.reason)) {
                        lastFailure = "refusing the date: " + bad.detail;   // logged by DateWindow
                        return null;
                    }
                }
            }
        }
        return tcp("no answer over udp");
    }

    /**
     * The TCP fallback, within one -W for connecting and reading together: a server that drips its 4
     * bytes slowly, sends more, or never closes gives up nothing but that one wait. The reply is the 4 bytes
     * read by the deadline; a 5th byte before it makes the reply oversized.
     */
    private Probe tcp(String udpFailure) {
        long deadlineMono = time.monotonicNanos() + waitNanos;
        try (Socket s = new Socket()) {
            int waitMillis = (int) Math.max(1, waitNanos / Epochs.NANOS_PER_MILLI);
            long t1 = time.realtimeNanos();
            long t1Mono = time.monotonicNanos();
            s.connect(server, waitMillis);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[TimeProtocol.MESSAGE_BYTES + 1];
            int n = 0;
            long t4 = 0;
            long t4Mono = 0;
            while (n < buf.length) {
                long leftMillis = (deadlineMono - time.monotonicNanos()) / Epochs.NANOS_PER_MILLI;
                if (leftMillis <= 0) {
                    break;
                }
                s.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMillis));
                int r;
                try {
                    r = in.read(buf, n, buf.length - n);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (r < 0) {
                    break;
                }
                if (n < TimeProtocol.MESSAGE_BYTES && n + r >= TimeProtocol.MESSAGE_BYTES) {
                    t4 = time.realtimeNanos();
                    t4Mono = time.monotonicNanos();
                }
                n += r;
            }
            if (n == 0) {
                lastFailure = udpFailure + ", tcp timed out";
                return null;
            }
            if (n < TimeProtocol.MESSAGE_BYTES) {
                t4 = time.realtimeNanos();
                t4Mono = time.monotonicNanos();
            }
            return probe(Arrays.copyOf(buf, n), t1, t1Mono, t4, t4Mono);
        } catch (SocketTimeoutException e) {
            lastFailure = udpFailure + ", tcp timed out";
        } catch (IOException e) {
            lastFailure = udpFailure + ", tcp: " + e.getMessage();
        } catch (BadReply bad) {
            rejects.reject(bad);
            lastFailure = REFUSED_DATES.contains(bad.reason) ? "refusing the date: " + bad.detail : bad.getMessage();
        }
        return null;
    }

    /**
     * Decodes, date-checks and year-checks one reply into a coarse probe (offset = server − local, bound
     * 0.5 s + delay/2). The date must lie in the sane window ({@link DateWindow}); with a forced year it is
     * checked after being moved into that year, without one before the year rule (which it then implies).
     */
    private Probe probe(byte[] reply, long t1, long t1Mono, long t4, long t4Mono) throws BadReply {
        long local = Math.floorDiv(t1, Epochs.NANOS_PER_SECOND);
        long serverSeconds;
        try {
            serverSeconds = TimeProtocol.decode(reply, Epochs.eraPivotPosixSeconds(local));
        } catch (BadReply bad) {
            if (bad.reason.equals("sentinel")) {
                dates.refuse(bad.reason, bad.detail);
            }
            throw bad;
        }
        if (forcedYear.isEmpty()) {
            dates.check(serverSeconds * Epochs.NANOS_PER_SECOND, t1);
        }
        TimeProtocol.Date date = TimeProtocol.checkYear(serverSeconds, forcedYear, host);
        if (forcedYear.isPresent()) {
            dates.check(date.posixSeconds() * Epochs.NANOS_PER_SECOND, t1);
        }
        if (date.yearNote() != null && loggedOnce.add(date.yearNote())) {
            log.notice(date.yearNote());
        }
        if (t4 < t1) {
            throw new BadReply("local-step", "the local clock went back " + (t1 - t4) + " ns during the exchange");
        }
        long mid = t1 + (t4 - t1) / 2;
        long offset = date.posixSeconds() * Epochs.NANOS_PER_SECOND + HALF_SECOND_NANOS - mid;
        return new Probe(offset, t4 - t1, HALF_SECOND_NANOS, mid, t1Mono + (t4Mono - t1Mono) / 2);
    }

    @Override
    public void close() {
        udp.close();
    }
}
