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

    private final InetSocketAddress server;
    private final long waitNanos;
    private final OptionalInt forcedYear;
    private final String host;
    private final TimeSource time;
    private final Log log;
    private final Rejects rejects;
    private final UdpPort udp;
    private final Set<String> loggedOnce = new HashSet<>();
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
            while ((d = udp.receive(deadline)) != null) {
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
                }
            }
        }
        return tcp();
    }

    private Probe tcp() {
        try (Socket s = new Socket()) {
            int waitMillis = (int) Math.max(1, waitNanos / Epochs.NANOS_PER_MILLI);
            s.setSoTimeout(waitMillis);
            long t1 = time.realtimeNanos();
            long t1Mono = time.monotonicNanos();
            s.connect(server, waitMillis);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[TimeProtocol.MESSAGE_BYTES + 1];
            int n = 0;
            long t4 = 0;
            long t4Mono = 0;
            while (n < buf.length) {
                int r = in.read(buf, n, buf.length - n);
                if (r < 0) {
                    break;
                }
                if (n < TimeProtocol.MESSAGE_BYTES && n + r >= TimeProtocol.MESSAGE_BYTES) {
                    t4 = time.realtimeNanos();
                    t4Mono = time.monotonicNanos();
                }
                n += r;
            }
            return probe(Arrays.copyOf(buf, n), t1, t1Mono, t4, t4Mono);
        } catch (SocketTimeoutException e) {
            lastFailure = "no answer over udp, tcp timed out";
        } catch (IOException e) {
            lastFailure = "no answer over udp, tcp: " + e.getMessage();
        } catch (BadReply bad) {
            rejects.reject(bad);
            lastFailure = bad.getMessage();
        }
        return null;
    }

    /** Decodes and year-checks one reply into a coarse probe (offset = server − local, bound 0.5 s + delay/2). */
    private Probe probe(byte[] reply, long t1, long t1Mono, long t4, long t4Mono) throws BadReply {
        long serverSeconds = TimeProtocol.decode(reply, Math.floorDiv(t1, Epochs.NANOS_PER_SECOND));
        TimeProtocol.Date date = TimeProtocol.checkYear(serverSeconds, forcedYear, host);
        if (date.yearNote() != null && loggedOnce.add(date.yearNote())) {
            log.notice(date.yearNote());
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
