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
import timeslave.os.BatchUdpSocket;
import timeslave.time.TimeSource;

/**
 * One UDP server: a thread that receives datagrams, reads the clock at once, lets {@link #answer}
 * decide, reads the clock again for the transmit time and sends. {@link #answer} is the whole policy
 * (source check, request check, rate limit, synchronisation), testable without a socket.
 *
 * <p>On Linux the socket is a {@link BatchUdpSocket}: one thread takes every queued request in one
 * recvmmsg, each stamped by the kernel as it arrived, and sends the replies in one sendmmsg. Where
 * that socket cannot be opened (no JNA, no libc) the JDK's DatagramChannel serves, one datagram at a
 * time, with the clock read after each receive.
 */
public final class UdpServer implements AutoCloseable {
    private final Protocol protocol;
    private final ServedClock clock;
    private final TimeSource time;
    private final RateLimiter limiter;
    private final ServerStats stats;
    private final DatagramChannel channel;
    private final BatchUdpSocket batchSocket;
    private final Set<InetAddress> broadcasts;
    private final int[] broadcastsIpv4;
    private final InetSocketAddress local;
    /**
     * Threads serving a DatagramChannel: while one waits in receive (the JDK lets one thread receive
     * and another send at once) the other answers, like a second core chrony does not use.
     */
    static final int WORKERS = 2;
    /**
     * Threads serving a {@link BatchUdpSocket}: one, as chronyd. A second only contends for the
     * socket's queue (scripts/bench-serve: fewer replies a second with two).
     */
    static final int BATCH_WORKERS = Integer.getInteger("timeslave.serve.batchWorkers", 1);
    /** Datagrams taken in one recvmmsg at most. */
    static final int BATCH = 32;
    /** A kernel receive stamp older than this, ns, is taken as wrong and the user-space reading used instead. */
    static final long MAX_KERNEL_STAMP_LAG_NANOS = 1_000_000_000L;
    private final java.util.List<Thread> threads = new java.util.ArrayList<>();

    /** Binds {@code address} (port 0: any free port); {@link #start()} then serves. */
    public UdpServer(Protocol protocol, InetSocketAddress address, ServedClock clock, RateLimiter limiter, Log log)
            throws IOException {
        this(protocol, address, clock, limiter, log, true);
    }

    /** @param batched try the {@link BatchUdpSocket} first (false: the JDK's channel only) */
    UdpServer(Protocol protocol, InetSocketAddress address, ServedClock clock, RateLimiter limiter, Log log,
              boolean batched) throws IOException {
        this.protocol = protocol;
        this.clock = clock;
        this.time = clock.time();
        this.limiter = limiter;
        this.batchSocket = batched ? openBatchSocket(address) : null;
        if (batchSocket != null) {
            this.channel = null;
            this.local = batchSocket.localAddress();
        } else {
            this.channel = DatagramChannel.open(address.getAddress() instanceof Inet6Address
                    ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
            try {
                channel.bind(address);
            } catch (IOException e) {
                channel.close();
                throw e;
            }
            this.local = (InetSocketAddress) channel.getLocalAddress();
        }
        this.stats = new ServerStats(protocol.name() + " server " + hostPort(local), log);
        this.broadcasts = broadcastAddresses();
        this.broadcastsIpv4 = broadcasts.stream().filter(a -> a.getAddress().length == 4)
                .mapToInt(UdpServer::ipv4).toArray();
    }

    /** The batched socket, or null where it cannot be had (the channel then reports any bind error itself). */
    private static BatchUdpSocket openBatchSocket(InetSocketAddress address) {
        try {
            return BatchUdpSocket.bind(address);
        } catch (IOException | LinkageError e) {
            return null;
        }
    }

    /** Whether this server receives in batches through {@link BatchUdpSocket}. */
    boolean batched() {
        return batchSocket != null;
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    public ServerStats stats() {
        return stats;
    }

    /** Starts the serving threads. */
    public void start() {
        for (int i = 0; i < (batchSocket != null ? BATCH_WORKERS : WORKERS); i++) {
            Thread t = new Thread(batchSocket != null ? this::batchLoop : this::loop, protocol.name() + "-server-" + local.getPort() + "-" + i);
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
     * Receives up to {@link #BATCH} requests at once, answers each in its own buffer as of its kernel
     * receive stamp, then reads the clock once for every transmit time and sends the replies at once.
     */
    private void batchLoop() {
        BatchUdpSocket.Batch batch = batchSocket.batch(BATCH, protocol.bufferBytes());
        byte[][] bufs = new byte[BATCH][protocol.bufferBytes()];
        int[] replyBytes = new int[BATCH];
        boolean kernelClock = time.kernelRealtime();
        while (true) {
            int n;
            try {
                n = batch.receive();
            } catch (IOException e) {
                continue;   // as the channel's loop: nothing to do for this one
            }
            if (n < 0) {
                return;
            }
            if (n == 0) {
                continue;
            }
            serveBatch(batch, n, bufs, replyBytes, kernelClock);
        }
    }

    /**
     * Answers the {@code n} requests in {@code batch} (a method of its own, so that the JIT compiles
     * it by its count of calls rather than waiting to replace the running loop).
     */
    private void serveBatch(BatchUdpSocket.Batch batch, int n, byte[][] bufs, int[] replyBytes, boolean kernelClock) {
        long real = time.realtimeNanos();
        long mono = time.monotonicNanos();
        int replies = 0;
        for (int i = 0; i < n; i++) {
            byte[] buf = bufs[i];
            int len = batch.read(i, buf);
            long lag = 0;
            if (kernelClock) {
                long k = batch.kernelRealtimeNanos(i);
                if (k != BatchUdpSocket.NO_STAMP && real - k >= 0 && real - k < MAX_KERNEL_STAMP_LAG_NANOS) {
                    lag = real - k;
                }
            }
            if (batch.family(i) == BatchUdpSocket.AF_INET) {
                replyBytes[i] = answerIpv4(buf, len, batch.ipv4(i), batch.port(i), real - lag, mono - lag);
            } else {
                InetSocketAddress from;
                try {
                    from = batch.sender(i);
                } catch (IOException e) {
                    from = new InetSocketAddress(0);   // no usable address: dropped as a bad source
                }
                replyBytes[i] = answer(buf, len, from, real - lag, mono - lag);
            }
            if (replyBytes[i] > 0) {
                replies++;
            }
        }
        if (replies == 0) {
            return;
        }
        long transmitReal = time.realtimeNanos();
        long transmitMono = time.monotonicNanos();
        for (int i = 0; i < n; i++) {
            if (replyBytes[i] > 0) {
                protocol.stamp(bufs[i], transmitReal, transmitMono);
                batch.reply(i, bufs[i], replyBytes[i]);
            }
        }
        stats.replies(batch.send());
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
        return decide(buf, len, clientKey(a), a, 0, real, mono);
    }

    /**
     * {@link #answer} for an IPv4 sender given as an int (first octet highest) and a port, without
     * allocating.
     */
    int answerIpv4(byte[] buf, int len, int ipv4, int port, long real, long mono) {
        stats.request();
        if (port == 0 || ipv4 == 0 || ipv4 >>> 28 == 0xE || ipv4 == -1 || isBroadcast(ipv4)) {
            stats.drop(Drop.BAD_SOURCE, len, ipv4Text(ipv4), mono);
            return 0;
        }
        return decide(buf, len, ipv4 & 0xFFFF_FFFFL, null, ipv4, real, mono);
    }

    /** The checks after the source's: request, rate limit, synchronisation. {@code a} null: the IPv4 {@code ipv4}. */
    private int decide(byte[] buf, int len, long key, InetAddress a, int ipv4, long real, long mono) {
        Drop d = protocol.check(buf, len);
        if (d != null) {
            stats.drop(d, len, a != null ? a.getHostAddress() : ipv4Text(ipv4), mono);
            return 0;
        }
        if (!limiter.allow(key, mono)) {
            if (limiter.kissAllowed(key, mono)) {
                int k = protocol.kissOfDeath(buf, len);
                if (k > 0) {
                    stats.kissOfDeath();
                    return k;
                }
            }
            stats.drop(Drop.RATE_LIMITED, len, a != null ? a.getHostAddress() : ipv4Text(ipv4), mono);
            return 0;
        }
        if (!protocol.answersUnsynchronised() && !clock.answers(mono)) {
            stats.drop(Drop.UNSYNCHRONISED, len, a != null ? a.getHostAddress() : ipv4Text(ipv4), mono);
            return 0;
        }
        return protocol.reply(buf, len, real, mono);
    }

    private boolean isBroadcast(int ipv4) {
        for (int b : broadcastsIpv4) {
            if (b == ipv4) {
                return true;
            }
        }
        return false;
    }

    static int ipv4(InetAddress a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | b[3] & 0xff;
    }

    static String ipv4Text(int ipv4) {
        return (ipv4 >>> 24) + "." + (ipv4 >>> 16 & 0xff) + "." + (ipv4 >>> 8 & 0xff) + "." + (ipv4 & 0xff);
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
        if (batchSocket != null) {
            batchSocket.shutdown();
        } else {
            try {
                channel.close();
            } catch (IOException e) {
                // closing: nothing left to do
            }
        }
        for (Thread t : threads) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (batchSocket != null) {
            batchSocket.close();   // after the threads: a descriptor number must not be reused under them
        }
    }
}
