package timeslave.ref.sntp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import timeslave.time.TimeSource;

/**
 * One UDP socket, opened once and reused for every probe to one server; stamps each send and
 * receive with the {@link TimeSource} immediately around the system call. Unconnected on purpose,
 * so that datagrams from other addresses or ports are seen, counted and rejected rather than silently
 * dropped by the kernel. Shared by the three network references.
 *
 * <p>Remaining timestamp error: the stamps bracket the send and receive calls, so the JDK's own time
 * in them (socket-timeout setup, the NIO poll wake-up, copying) lengthens the measured delay rather
 * than biasing the offset, and stays inside the delay/2 bound. On loopback, {@code scripts/bench-sntp-spread}
 * (2 shared cores, 2026-11-21) measured our minimum/median delay at 19–36 µs / 24–67 µs against 10–15 µs /
 * 26–32 µs for a chronyd client using kernel timestamps of the same server: the Java path costs about
 * 10–40 µs of delay, i.e. 5–20 µs of bound, and the offsets agreed with the configured shift to a
 * median of 1 µs.
 */
public final class UdpPort implements AutoCloseable {
    /** Larger than any reply we accept, so an oversized reply is seen as such rather than cut. */
    static final int RECEIVE_BUFFER_BYTES = 2048;
    /** At most this many queued datagrams are discarded per drain, so a flood cannot hold us there. */
    public static final int MAX_DRAIN = 256;

    /** One received datagram: bytes, sender, and local real-time/monotonic stamps taken right after receive. */
    public record Datagram(byte[] data, InetSocketAddress from, long realtimeNanos, long monoNanos) {
    }

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final TimeSource time;
    private final byte[] buffer = new byte[RECEIVE_BUFFER_BYTES];

    public UdpPort(InetSocketAddress server, TimeSource time) throws IOException {
        this.server = server;
        this.time = time;
        this.socket = new DatagramSocket();
    }

    /** The server this port talks to. */
    public InetSocketAddress server() {
        return server;
    }

    /** The local port (for tests). */
    public int localPort() {
        return socket.getLocalPort();
    }

    /**
     * Sends one datagram to the server; returns the local real-time stamp taken immediately before
     * the send call (the probe's T1).
     */
    public long send(byte[] data) throws IOException {
        DatagramPacket p = new DatagramPacket(data, data.length, server);
        long t1 = time.realtimeNanos();
        socket.send(p);
        return t1;
    }

    /** Discards datagrams already queued (left over from an earlier measurement), up to {@link #MAX_DRAIN}. */
    public int drain() throws IOException {
        int n = 0;
        while (n < MAX_DRAIN && receive(time.monotonicNanos()) != null) {
            n++;
        }
        return n;
    }

    /**
     * Waits until the monotonic deadline for one datagram from anyone; null on timeout.
     * A deadline already past still polls once without blocking (to drain).
     */
    public Datagram receive(long deadlineMonoNanos) throws IOException {
        long remainingNanos = deadlineMonoNanos - time.monotonicNanos();
        int timeoutMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (remainingNanos + 999_999) / 1_000_000));
        socket.setSoTimeout(timeoutMillis);
        DatagramPacket p = new DatagramPacket(buffer, buffer.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        long t4 = time.realtimeNanos();
        long mono = time.monotonicNanos();
        return new Datagram(Arrays.copyOf(p.getData(), p.getLength()),
                (InetSocketAddress) p.getSocketAddress(), t4, mono);
    }

    /** True if {@code from} is the server's address and port. */
    public boolean fromServer(InetSocketAddress from) {
        return from.getPort() == server.getPort() && from.getAddress().equals(server.getAddress());
    }

    @Override
    public void close() {
        socket.close();
    }
}
