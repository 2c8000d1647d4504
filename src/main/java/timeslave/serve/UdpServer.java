package timeslave.serve;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.HashSet;
import java.util.Set;
import timeslave.log.Log;
import timeslave.time.TimeSource;

/**
 * One UDP server: a thread that receives a datagram, reads the clock at once, lets {@link #answer}
 * decide, reads the clock again for the transmit time and sends. {@link #answer} is the whole policy
 * (source check, request check, rate limit, synchronisation), testable without a socket.
 */
public final class UdpServer implements AutoCloseable {
    private final Protocol protocol;
    private final ServedClock clock;
    private final TimeSource time;
    private final RateLimiter limiter;
    private final ServerStats stats;
    private final DatagramChannel channel;
    private final Set<InetAddress> broadcasts;
    private final InetSocketAddress local;
    /**
     * Threads serving one socket: while one waits in receive (the JDK lets one thread receive and
     * another send at once) the other answers, like a second core chrony does not use.
     */
    static final int WORKERS = 2;
    private final java.util.List<Thread> threads = new java.util.ArrayList<>();

    /** Binds {@code address} (port 0: any free port); {@link #start()} then serves. */
    public UdpServer(Protocol protocol, InetSocketAddress address, ServedClock clock, RateLimiter limiter, Log log)
            throws IOException {
        this.protocol = protocol;
        this.clock = clock;
        this.time = clock.time();
        this.limiter = limiter;
        this.channel = DatagramChannel.open(address.getAddress() instanceof Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            channel.bind(address);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.stats = new ServerStats(protocol.name() + " server " + hostPort(local), log);
        this.broadcasts = broadcastAddresses();
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    public ServerStats stats() {
        return stats;
    }

    /** Starts the serving threads. */
    public void start() {
        for (int i = 0; i < WORKERS; i++) {
            Thread t = new Thread(this::loop, protocol.name() + "-server-" + local.getPort() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private void loop() {
        byte[] buf = new byte[protocol.bufferBytes()];
        ByteBuffer bb = ByteBuffer.wrap(buf);
        ByteBuffer out = ByteBuffer.wrap(buf);
        while (channel.isOpen()) {
            bb.clear();
            SocketAddress from;
            try {
                from = channel.receive(bb);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                continue;   // e.g. ICMP port unreachable from an earlier reply: nothing to do for this one
            }
            long real = time.realtimeNanos();
            long mono = time.monotonicNanos();
            InetSocketAddress src = (InetSocketAddress) from;
            int n = answer(buf, bb.position(), src, real, mono);
            if (n <= 0) {
                continue;
            }
            protocol.stamp(buf, time.realtimeNanos(), time.monotonicNanos());
            try {
                out.clear().limit(n);
                channel.send(out, src);
                stats.reply();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // the client's address became unreachable; the request is simply unanswered
            }
        }
    }

    /**
     * Decides what to send for the request in {@code buf[0..len)} from {@code from}, received at
     * local time {@code real}/{@code mono}: writes the reply into {@code buf} and returns its length,
     * or returns 0 and counts why nothing is sent.
     */
    int answer(byte[] buf, int len, InetSocketAddress from, long real, long mono) {
        stats.request();
        InetAddress a = from.getAddress();
        if (from.getPort() == 0 || a == null || a.isAnyLocalAddress() || a.isMulticastAddress()
                || broadcasts.contains(a) || isLimitedBroadcast(a)) {
            stats.drop(Drop.BAD_SOURCE, len, String.valueOf(a), mono);
            return 0;
        }
        Drop d = protocol.check(buf, len);
        if (d != null) {
            stats.drop(d, len, a.getHostAddress(), mono);
            return 0;
        }
        long key = clientKey(a);
        if (!limiter.allow(key, mono)) {
            if (limiter.kissAllowed(key, mono)) {
                int k = protocol.kissOfDeath(buf, len);
                if (k > 0) {
                    stats.kissOfDeath();
                    return k;
                }
            }
            stats.drop(Drop.RATE_LIMITED, len, a.getHostAddress(), mono);
            return 0;
        }
        if (!protocol.answersUnsynchronised() && !clock.answers(mono)) {
            stats.drop(Drop.UNSYNCHRONISED, len, a.getHostAddress(), mono);
            return 0;
        }
        return protocol.reply(buf, len, real, mono);
    }

    /** A key per client address without allocating: an IPv4 address is its own int, IPv6 its hash tagged apart. */
    static long clientKey(InetAddress a) {
        return a instanceof Inet6Address ? (1L << 40) | (a.hashCode() & 0xFFFF_FFFFL) : a.hashCode() & 0xFFFF_FFFFL;
    }

    private static boolean isLimitedBroadcast(InetAddress a) {
        byte[] b = a.getAddress();
        return b.length == 4 && (b[0] & b[1] & b[2] & b[3]) == (byte) 0xFF;
    }

    /** Every interface's IPv4 broadcast address (a subnet-directed broadcast source is never answered). */
    static Set<InetAddress> broadcastAddresses() {
        Set<InetAddress> out = new HashSet<>();
        try {
            var all = NetworkInterface.getNetworkInterfaces();
            while (all != null && all.hasMoreElements()) {
                for (var ia : all.nextElement().getInterfaceAddresses()) {
                    if (ia.getBroadcast() != null) {
                        out.add(ia.getBroadcast());
                    }
                }
            }
        } catch (SocketException e) {
            // no interface list: only the limited broadcast and multicast are recognised
        }
        return out;
    }

    static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (a.getAddress() instanceof Inet6Address ? "[" + h + "]" : h) + ":" + a.getPort();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
