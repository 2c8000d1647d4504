package timeslave.ref.sntp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import timeslave.os.KernelStampedUdpSocket;
import timeslave.time.TimeSource;

/**
 * One UDP socket, opened once and reused for every probe to one server. Unconnected on purpose,
 * so that datagrams from other addresses or ports are seen, counted and rejected rather than silently
 * dropped by the kernel. Shared by the three network references (SNTP, TAICLOCK, RFC 868/UDP).
 *
 * <p>Timestamps: each send is stamped by the kernel as the driver transmits it (SO_TIMESTAMPING's
 * software transmit stamp, read back from the socket's error queue); where the driver gives none, as
 * the datagram entered the device's queue, inside the send call (SCHED); where the kernel gives neither,
 * with the {@link TimeSource} immediately before the system call (T1). A user-space T1 holds the send
 * call's own time before the packet leaves, which biases the offset by half of it the other way. Each receive is stamped by the kernel ({@code SO_TIMESTAMPNS} through
 * {@link KernelStampedUdpSocket}) when the datagram reached the socket; that stamp is CLOCK_REALTIME,
 * and its monotonic counterpart is the monotonic reading taken beside a real-time reading right after
 * the receive, less the datagram's age (realtime now − kernel stamp), so {@code realtimeNanos} and
 * {@code monoNanos} name the same instant as in every other sample. A user-space stamp after the
 * receive (the JDK's socket, or a datagram the kernel did not stamp, or one whose stamp is not
 * between 0 and {@link #MAX_STAMP_AGE_NANOS} old, as after a clock step) is the fallback: it holds the
 * wake-up and system calls after arrival, receive-side delay that biases the offset by half of it
 * (issue 10 measured 60–70 µs of bias so on a User-Mode Linux guest). Kernel stamps are used only
 * when the {@link TimeSource} reads CLOCK_REALTIME itself ({@link TimeSource#kernelRealtime}).
 *
 * <p>A closed port on the server is reported as soon as its ICMP port unreachable arrives
 * ({@link PortUnreachableException} from {@link #receive}), rather than after every probe's wait: the
 * kernel socket queues ICMP errors although unconnected (the JDK's fallback socket does not, and times out).
 */
public final class UdpPort implements AutoCloseable {
    /** Larger than any reply we accept, so an oversized reply is seen as such rather than cut. */
    static final int RECEIVE_BUFFER_BYTES = 2048;
    /** At most this many queued datagrams are discarded per drain, so a flood cannot hold us there. */
    public static final int MAX_DRAIN = 256;
    /**
     * A kernel stamp older than this (or in the future) is not used, ns: the clock was stepped between
     * arrival and reading (chrony's limit for the same check is 1 s too).
     */
    static final long MAX_STAMP_AGE_NANOS = 1_000_000_000L;

    /** One received datagram: bytes, sender, and its local real-time/monotonic receive stamps. */
    public record Datagram(byte[] data, InetSocketAddress from, long realtimeNanos, long monoNanos) {
    }

    /** The socket under a port: the kernel-stamping one, the JDK's where that cannot open, a fake in tests. */
    interface Endpoint extends AutoCloseable {
        /**
         * Sends, running {@code justBefore} (T1's reading) as the last thing before the system call: everything
         * else the send needs (the address in the kernel's form) is made before it. Returns the kernel's
         * transmit stamp (CLOCK_REALTIME) or {@link KernelStampedUdpSocket#NO_STAMP}.
         */
        long send(byte[] data, InetSocketAddress to, Runnable justBefore) throws IOException;

        /** What {@link #send} would do before its send call that can be done earlier (before T1 is read). */
        default void readyToSend() throws IOException {
        }

        /**
         * One datagram within {@code timeoutMillis} (0: without waiting), or null.
         *
         * @throws KernelStampedUdpSocket.Refused an ICMP port unreachable came back for a datagram sent
         */
        KernelStampedUdpSocket.Received receive(int timeoutMillis) throws IOException;

        int localPort();

        @Override
        void close();
    }

    private final Endpoint socket;
    private final InetSocketAddress server;
    private final TimeSource time;
    private boolean lastSendKernelStamped;

    public UdpPort(InetSocketAddress server, TimeSource time) throws IOException {
        this(server, time, open(server));
    }

    UdpPort(InetSocketAddress server, TimeSource time, Endpoint socket) {
        this.server = server;
        this.time = time;
        this.socket = socket;
    }

    /** The kernel-stamping socket, or the JDK's when it cannot be opened (no JNA, an unusual libc). */
    static Endpoint open(InetSocketAddress server) throws IOException {
        if (server.getAddress() != null) {
            try {
                return new KernelEndpoint(KernelStampedUdpSocket.open(server.getAddress()));
            } catch (IOException | LinkageError e) {
                // fall through to the JDK's socket and user-space stamps
            }
        }
        return new JdkEndpoint(new DatagramSocket());
    }

    /** Whether receive stamps come from the kernel (false: user-space fallback). */
    public boolean kernelStamps() {
        return socket instanceof KernelEndpoint;
    }

    /** The server this port talks to. */
    public InetSocketAddress server() {
        return server;
    }

    /** The local port (for tests). */
    public int localPort() {
        return socket.localPort();
    }

    /**
     * Sends one datagram to the server; returns its local real-time stamp (the probe's T1): the
     * kernel's transmit stamp when it lies between the readings taken around the send call, else the
     * reading taken immediately before it.
     */
    public long send(byte[] data) throws IOException {
        socket.readyToSend();   // stale stamps read away first: T1 is read one system call before the datagram leaves
        long[] reading = new long[1];
        long tx = socket.send(data, server, () -> reading[0] = time.realtimeNanos());
        long before = reading[0];
        lastSendKernelStamped = false;
        if (tx != KernelStampedUdpSocket.NO_STAMP && time.kernelRealtime()) {
            long after = time.realtimeNanos();
            if (tx >= before && tx <= after) {
                lastSendKernelStamped = true;
                return tx;
            }
        }
        return before;
    }

    /** Whether the last send's T1 was the kernel's transmit stamp. */
    public boolean lastSendKernelStamped() {
        return lastSendKernelStamped;
    }

    /**
     * Discards datagrams already queued (left over from an earlier measurement), up to {@link #MAX_DRAIN},
     * and any port unreachable an earlier measurement drew.
     */
    public int drain() throws IOException {
        int n = 0;
        while (n < MAX_DRAIN) {
            try {
                if (socket.receive(0) == null) {
                    break;
                }
            } catch (KernelStampedUdpSocket.Refused stale) {
                // drawn by an earlier probe: this measurement asks again
            }
            n++;
        }
        return n;
    }

    /**
     * Waits until the monotonic deadline for one datagram from anyone; null on timeout.
     * A deadline already past still polls once without blocking (to drain).
     *
     * @throws PortUnreachableException an ICMP port unreachable came back from the server's address and
     *                                   port: nothing listens there (its message names the server)
     */
    public Datagram receive(long deadlineMonoNanos) throws IOException {
        KernelStampedUdpSocket.Received r = null;
        do {
            long remainingNanos = deadlineMonoNanos - time.monotonicNanos();
            int timeoutMillis = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (remainingNanos + 999_999) / 1_000_000));
            try {
                r = socket.receive(timeoutMillis);
            } catch (KernelStampedUdpSocket.Refused refused) {
                if (fromServer(refused.destination)) {
                    throw new PortUnreachableException("port unreachable: " + server);
                }
            }
        } while (r == null && time.monotonicNanos() < deadlineMonoNanos);
        if (r == null) {
            return null;
        }
        long real = time.realtimeNanos();
        long mono = time.monotonicNanos();
        long age = r.stamped() && time.kernelRealtime() ? real - r.kernelRealtimeNanos() : -1;
        if (age >= 0 && age <= MAX_STAMP_AGE_NANOS) {
            return new Datagram(r.data(), r.from(), r.kernelRealtimeNanos(), mono - age);
        }
        return new Datagram(r.data(), r.from(), real, mono);
    }

    /** True if {@code from} is the server's address and port. */
    public boolean fromServer(InetSocketAddress from) {
        return from.getPort() == server.getPort() && from.getAddress().equals(server.getAddress());
    }

    @Override
    public void close() {
        socket.close();
    }

    /** SO_TIMESTAMPNS through recvmsg. */
    private static final class KernelEndpoint implements Endpoint {
        private final KernelStampedUdpSocket s;
        private InetSocketAddress lastTo;
        private byte[] lastAddress;

        KernelEndpoint(KernelStampedUdpSocket s) {
            this.s = s;
        }

        @Override
        public long send(byte[] data, InetSocketAddress to, Runnable justBefore) throws IOException {
            if (!to.equals(lastTo)) {
                lastAddress = s.sockaddr(to);
                lastTo = to;
            }
            return s.sendReady(data, lastAddress, to, justBefore);
        }

        @Override
        public void readyToSend() throws IOException {
            s.readyToSend();
        }

        @Override
        public KernelStampedUdpSocket.Received receive(int timeoutMillis) throws IOException {
            return s.receive(timeoutMillis);
        }

        @Override
        public int localPort() {
            return s.localPort();
        }

        @Override
        public void close() {
            s.close();
        }
    }

    /** The JDK's socket: no kernel stamps. */
    private static final class JdkEndpoint implements Endpoint {
        private final DatagramSocket socket;
        private final byte[] buffer = new byte[RECEIVE_BUFFER_BYTES];

        JdkEndpoint(DatagramSocket socket) {
            this.socket = socket;
        }

        @Override
        public long send(byte[] data, InetSocketAddress to, Runnable justBefore) throws IOException {
            DatagramPacket p = new DatagramPacket(data, data.length, to);
            justBefore.run();
            socket.send(p);
            return KernelStampedUdpSocket.NO_STAMP;
        }

        @Override
        public KernelStampedUdpSocket.Received receive(int timeoutMillis) throws IOException {
            socket.setSoTimeout(Math.max(1, timeoutMillis));
            DatagramPacket p = new DatagramPacket(buffer, buffer.length);
            try {
                socket.receive(p);
            } catch (SocketTimeoutException e) {
                return null;
            }
            return new KernelStampedUdpSocket.Received(Arrays.copyOf(p.getData(), p.getLength()),
                    (InetSocketAddress) p.getSocketAddress(), KernelStampedUdpSocket.NO_STAMP);
        }

        @Override
        public int localPort() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
