package timeslave.serve;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import timeslave.log.Log;
import timeslave.time.ClockState;

/**
 * Everything the daemon serves, started together and fed by one {@link ClockState.Listener}: the
 * NTP, TAICLOCK and RFC 868 (UDP and TCP) servers and the ClockBound segment.
 */
public final class Serving implements ClockState.Listener, AutoCloseable {

    /**
     * What to serve (--serve-ntp, --serve-taiclock, --serve-time, --serve-unsynchronised,
     * --serve-true-tai, --serve-rate-limit, --clockbound-shm).
     *
     * @param ntp               NTP addresses
     * @param taiclock          TAICLOCK addresses
     * @param time              RFC 868 addresses (UDP and TCP each)
     * @param unsynchronised    answer even while the clock is not held synchronised
     * @param trueTai           TAICLOCK labels in true TAI, not taiclockd's POSIX + 10 s
     * @param ratePerSecond     requests a second each client earns (0: no limit)
     * @param burst             requests a client may bank
     * @param clockboundShm     where to publish the ClockBound segment
     */
    public record Config(List<InetSocketAddress> ntp, List<InetSocketAddress> taiclock, List<InetSocketAddress> time,
                         boolean unsynchronised, boolean trueTai, double ratePerSecond, int burst,
                         Optional<Path> clockboundShm) {
        public static final double DEFAULT_RATE_PER_SECOND = 1;
        public static final int DEFAULT_BURST = 32;

        public boolean any() {
            return !ntp.isEmpty() || !taiclock.isEmpty() || !time.isEmpty() || clockboundShm.isPresent();
        }
    }

    /** A server that could not be started, naming it ("ntp on 0.0.0.0:123"). */
    public static final class StartFailure extends IOException {
        public StartFailure(String what, IOException cause) {
            super(what + ": " + cause.getMessage(), cause);
        }
    }

    private final ServedClock clock;
    private final Log log;
    private final List<UdpServer> udp = new ArrayList<>();
    private final List<TimeTcpServer> tcp = new ArrayList<>();
    private ClockBoundWriter clockBound;

    private Serving(ServedClock clock, Log log) {
        this.clock = clock;
        this.log = log;
    }

    /** Binds every server and opens the segment, then starts them; on any failure closes what was opened. */
    /** The view every server here serves from. */
    public ServedClock clock() {
        return clock;
    }

    public static Serving start(Config c, ServedClock clock, Log log) throws StartFailure {
        Serving s = new Serving(clock, log);
        try {
            for (InetSocketAddress a : c.ntp()) {
                s.udp.add(s.bind(Protocol.ntp(clock), a, c));
            }
            for (InetSocketAddress a : c.taiclock()) {
                s.udp.add(s.bind(Protocol.taiclock(clock, c.trueTai()), a, c));
            }
            for (InetSocketAddress a : c.time()) {
                s.bindTime(a, c);
            }
            if (c.clockboundShm().isPresent()) {
                try {
                    s.clockBound = ClockBoundWriter.open(c.clockboundShm().get(), clock.time());
                } catch (IOException e) {
                    throw new StartFailure("--clockbound-shm " + c.clockboundShm().get(), e);
                }
            }
        } catch (StartFailure e) {
            s.close();
            throw e;
        }
        for (UdpServer u : s.udp) {
            u.start();
            log.notice(u.stats().name() + " listening");
        }
        for (TimeTcpServer t : s.tcp) {
            t.start();
            log.notice(t.stats().name() + " listening");
        }
        if (s.clockBound != null) {
            s.clockBound.start();
            log.notice("clockbound segment " + c.clockboundShm().get() + " published");
        }
        return s;
    }

    /** RFC 868 on one port for UDP and TCP: with port 0, TCP takes UDP's port (a few tries if it is taken). */
    private void bindTime(InetSocketAddress a, Config c) throws StartFailure {
        for (int attempt = 1; ; attempt++) {
            UdpServer u = bind(Protocol.time(clock), a, c);
            InetSocketAddress same = new InetSocketAddress(a.getAddress(), u.localAddress().getPort());
            try {
                tcp.add(new TimeTcpServer(same, clock, new RateLimiter(c.ratePerSecond(), c.burst()), log));
                udp.add(u);
                return;
            } catch (IOException e) {
                u.close();
                if (a.getPort() != 0 || attempt == PORT_ZERO_TRIES) {
                    throw new StartFailure("time on " + UdpServer.hostPort(same) + "/tcp", e);
                }
            }
        }
    }

    /** Tries at finding one free port number for both RFC 868 sockets when port 0 is asked for. */
    static final int PORT_ZERO_TRIES = 5;

    private UdpServer bind(Protocol p, InetSocketAddress a, Config c) throws StartFailure {
        try {
            return new UdpServer(p, a, clock, new RateLimiter(c.ratePerSecond(), c.burst()), log);
        } catch (IOException e) {
            throw new StartFailure(p.name() + " on " + UdpServer.hostPort(a), e);
        }
    }

    @Override
    public void clockState(ClockState state) {
        clock.clockState(state);
        if (clockBound != null) {
            clockBound.clockState(state);
        }
    }

    public List<UdpServer> udpServers() {
        return List.copyOf(udp);
    }

    public List<TimeTcpServer> tcpServers() {
        return List.copyOf(tcp);
    }

    /** Stops everything; each server logs its counters in one line. */
    @Override
    public void close() {
        for (UdpServer u : udp) {
            u.close();
            log.info(u.stats().name() + " stopped: " + u.stats().summary());
        }
        for (TimeTcpServer t : tcp) {
            t.close();
            log.info(t.stats().name() + " stopped: " + t.stats().summary());
        }
        if (clockBound != null) {
            clockBound.close();
        }
    }
}
