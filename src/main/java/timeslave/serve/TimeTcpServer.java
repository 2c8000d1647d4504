package timeslave.serve;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import timeslave.log.Log;
import timeslave.time.TimeSource;

/**
 * RFC 868 over TCP: accepts a connection, writes the 4-byte time and closes; while the daemon does
 * not answer (unsynchronised, or the client over its rate limit) it closes without data, as the RFC
 * allows. One thread; a connection never waits on the client.
 */
public final class TimeTcpServer implements AutoCloseable {
    private final ServedClock clock;
    private final TimeSource time;
    private final RateLimiter limiter;
    private final ServerStats stats;
    private final ServerSocketChannel channel;
    private final InetSocketAddress local;
    private Thread thread;

    public TimeTcpServer(InetSocketAddress address, ServedClock clock, RateLimiter limiter, Log log) throws IOException {
        this.clock = clock;
        this.time = clock.time();
        this.limiter = limiter;
        this.channel = ServerSocketChannel.open(address.getAddress() instanceof Inet6Address
                ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            channel.bind(address, 64);
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.stats = new ServerStats("time server " + UdpServer.hostPort(local) + "/tcp", log);
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    public ServerStats stats() {
        return stats;
    }

    public void start() {
        thread = new Thread(this::loop, "time-tcp-server-" + local.getPort());
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        byte[] reply = new byte[TimeServerCodec.REPLY_BYTES];
        while (channel.isOpen()) {
            try (SocketChannel c = channel.accept()) {
                long real = time.realtimeNanos();
                long mono = time.monotonicNanos();
                stats.request();
                InetAddress a = ((InetSocketAddress) c.getRemoteAddress()).getAddress();
                if (!limiter.allow(UdpServer.clientKey(a), mono)) {
                    stats.drop(Drop.RATE_LIMITED, 0, a.getHostAddress(), mono);
                    continue;
                }
                if (!clock.answers(mono)) {
                    stats.drop(Drop.UNSYNCHRONISED, 0, a.getHostAddress(), mono);
                    continue;
                }
                c.configureBlocking(false);
                TimeServerCodec.encode(reply, clock.servedNanos(real, mono));
                if (c.write(ByteBuffer.wrap(reply)) == reply.length) {
                    stats.reply();
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // the client went away before its answer: nothing to do
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
        if (thread != null) {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
