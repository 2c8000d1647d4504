package timeslave.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A UDP socket through libc whose every received datagram carries the kernel's receive timestamp
 * ({@code SO_TIMESTAMPNS}: CLOCK_REALTIME when the packet reached the socket, delivered by
 * {@code recvmsg} as an {@code SCM_TIMESTAMPNS} control message), which the JDK's sockets cannot
 * give. A user-space stamp taken after a read also holds the wake-up and the system calls before it,
 * delay that lies on the receive side only and so becomes offset error (issue 10: 60–70 µs on a
 * User-Mode Linux guest, where every system call is a ptrace round trip).
 *
 * <p>Bound to the wildcard address on an ephemeral port of the family of the server it will talk to;
 * unconnected, so datagrams from any address stay visible (a connected socket's kernel filter would drop
 * them unseen). ICMP errors still reach it: {@code IP_RECVERR} queues them on the error queue of an
 * unconnected socket too, with the destination of the datagram that drew them; a port unreachable is
 * reported by {@link #receive} as {@link Refused}. Linux on LP64 (x86_64, aarch64): the struct layouts
 * below are those of that ABI.
 *
 * <p>One thread at a time: the buffers for recvmsg and the error queue are shared. A socket opened
 * without transmit stamps ({@link #open(InetAddress, boolean)}) touches none of them when it sends, so
 * one thread may send on it while another receives.
 */
public final class KernelStampedUdpSocket implements AutoCloseable {
    /** No kernel timestamp came with the datagram. */
    public static final long NO_STAMP = Long.MIN_VALUE;

    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int SOL_SOCKET = 1;
    /** SO_TIMESTAMPNS (SO_TIMESTAMPNS_OLD): 64-bit timespec stamps on LP64; the cmsg type is the same number. */
    static final int SO_TIMESTAMPNS = 35;
    static final int SCM_TIMESTAMPNS = SO_TIMESTAMPNS;
    /** SO_TIMESTAMPING: here only for the kernel's software transmit stamp, read from the error queue. */
    static final int SO_TIMESTAMPING = 37;
    static final int SCM_TIMESTAMPING = SO_TIMESTAMPING;
    /**
     * The driver's stamp as it sends the packet (SND), as chronyd uses; T1 wherever the driver gives it.
     */
    static final int SOF_TIMESTAMPING_TX_SOFTWARE = 1 << 1;
    /**
     * The stamp as the packet enters the device's queue (SCHED), inside the send call: T1 where the
     * driver gives no SND stamp (User-Mode Linux's vector driver, some virtual devices). It is still
     * nearer the wire than any user-space reading. In User-Mode Linux guests, where each system call is
     * a ptrace round trip, the reading before the send led the datagram by 65–95 µs. Issue 10's
     * benchmark (scripts/bench-real-kernel) measured the mean error on its bare tap against the guest
     * kernel's true clock, 400 s per run: +19.7 to +24.7 µs with the reading (three runs), −7.4 to −2.2 µs
     * with SCHED (four runs); chronyd, in the same runs, +3.7 to +17.2 µs.
     */
    static final int SOF_TIMESTAMPING_TX_SCHED = 1 << 8;
    static final int SOF_TIMESTAMPING_SOFTWARE = 1 << 4;
    static final int SOF_TIMESTAMPING_OPT_TSONLY = 1 << 11;
    static final short POLLIN = 1;
    static final short POLLERR = 8;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_ERRQUEUE = 0x2000;
    /** How long a send waits for its transmit stamp, ns: it comes as the driver sends, within microseconds. */
    static final long TX_STAMP_WAIT_NANOS = 2_000_000;
    /** sock_extended_err.ee_origin of a transmit stamp (linux/errqueue.h). */
    static final int SO_EE_ORIGIN_TIMESTAMPING = 4;
    /** At most this many stale error-queue messages are read before a send. */
    static final int MAX_STALE = 16;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int ECONNREFUSED = 111;
    static final int SOL_IP = 0;
    static final int IP_RECVERR = 11;
    static final int SOL_IPV6 = 41;
    static final int IPV6_RECVERR = 25;
    /** sock_extended_err.ee_origin of an ICMP or ICMPv6 error (linux/errqueue.h). */
    static final int SO_EE_ORIGIN_ICMP = 2;
    static final int SO_EE_ORIGIN_ICMP6 = 3;
    static final int SOCKADDR_BYTES = 28;
    static final int MSGHDR_BYTES = 56;
    static final int IOVEC_BYTES = 16;
    static final int CMSGHDR_BYTES = 16;
    static final int CONTROL_BYTES = 256;
    /** Larger than any reply timeslave accepts, so an oversized one is seen as such rather than cut. */
    static final int RECEIVE_BUFFER_BYTES = 2048;

    /**
     * An ICMP port unreachable (ICMPv6: port unreachable too) came back for a datagram sent to
     * {@code destination}: nothing listens there. The kernel's ECONNREFUSED, read from the error queue.
     */
    public static final class Refused extends java.net.PortUnreachableException {
        public final InetSocketAddress destination;

        public Refused(InetSocketAddress destination) {
            super("port unreachable: " + destination);
            this.destination = destination;
        }
    }

    /** One received datagram. */
    public record Received(byte[] data, InetSocketAddress from, long kernelRealtimeNanos) {
        /** Whether the kernel stamped it. */
        public boolean stamped() {
            return kernelRealtimeNanos != NO_STAMP;
        }
    }


    private final int fd;
    private final int family;
    private final Memory msg = new Memory(MSGHDR_BYTES);
    private final Memory iov = new Memory(IOVEC_BYTES);
    private final Memory name = new Memory(SOCKADDR_BYTES);
    private final Memory control = new Memory(CONTROL_BYTES);
    private final Memory buffer = new Memory(RECEIVE_BUFFER_BYTES);
    private final Memory pollfd = new Memory(8);
    private boolean txStamps;
    private final TransmitStampChoice txChoice = new TransmitStampChoice();
    private boolean closed;
    /** The kind of the last message {@link #readError} read ({@link #stampKind}), NO_KIND if it read none. */
    private int lastKind = NO_KIND;
    /** The destination of the last datagram an ICMP port unreachable came back for, not yet reported. */
    private InetSocketAddress refused;

    private KernelStampedUdpSocket(int fd, int family) {
        this.fd = fd;
        this.family = family;
    }

    /**
     * Opens a socket for talking to {@code server}'s address family, with kernel receive timestamps on.
     *
     * @throws IOException naming the call and errno if libc cannot be loaded or any call fails
     */
    public static KernelStampedUdpSocket open(InetAddress server) throws IOException {
        return open(server, true);
    }

    /**
     * As {@link #open(InetAddress)}; with {@code transmitStamps} false, sends are never stamped by the
     * kernel (their error queue holds only ICMP errors).
     */
    public static KernelStampedUdpSocket open(InetAddress server, boolean transmitStamps) throws IOException {
        int family = server instanceof Inet4Address ? AF_INET : AF_INET6;
        int fd;
        try {
            fd = SocketCalls.socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket(" + (family == AF_INET ? "AF_INET" : "AF_INET6") + ", SOCK_DGRAM): errno "
                    + e.getErrorCode(), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IOException("cannot load libc through JNA: " + e.getMessage(), e);
        }
        KernelStampedUdpSocket s = new KernelStampedUdpSocket(fd, family);
        try {
            SocketCalls.setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, new int[]{1}, 4);
            byte[] any = sockaddr(new InetSocketAddress(family == AF_INET ? InetAddress.getByAddress(new byte[4])
                    : InetAddress.getByAddress(new byte[16]), 0), family);
            SocketCalls.bind(fd, any, any.length);
        } catch (LastErrorException e) {
            s.close();
            throw new IOException("setsockopt(SO_TIMESTAMPNS)/bind: errno " + e.getErrorCode(), e);
        }
        if (transmitStamps) {
            try {
                SocketCalls.setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, new int[]{SOF_TIMESTAMPING_TX_SOFTWARE
                        | SOF_TIMESTAMPING_TX_SCHED | SOF_TIMESTAMPING_SOFTWARE | SOF_TIMESTAMPING_OPT_TSONLY}, 4);
                s.txStamps = true;
            } catch (LastErrorException e) {
                s.txStamps = false;   // receive stamps still work; sends are stamped in user space
            }
        }
        // ICMP errors for an unconnected socket: without them a closed port is only a timeout. An AF_INET6
        // socket talking to a v4-mapped address gets ICMPv4, so it asks for both.
        s.recvErr(SOL_IP, IP_RECVERR);
        if (family == AF_INET6) {
            s.recvErr(SOL_IPV6, IPV6_RECVERR);
        }
        return s;
    }

    private void recvErr(int level, int option) {
        try {
            SocketCalls.setsockopt(fd, level, option, new int[]{1}, 4);
        } catch (LastErrorException e) {
            // a closed port is then found by the timeout alone
        }
    }

    /** The local port. */
    public int localPort() {
        byte[] a = new byte[SOCKADDR_BYTES];
        int[] len = {a.length};
        try {
            SocketCalls.getsockname(fd, a, len);
        } catch (LastErrorException e) {
            return -1;
        }
        return ((a[2] & 0xff) << 8) | (a[3] & 0xff);
    }

    /**
     * Sends one datagram; returns the kernel's CLOCK_REALTIME stamp of its transmission (software,
     * as the driver sent it), or {@link #NO_STAMP} if none came within {@link #TX_STAMP_WAIT_NANOS}.
     */
    public long send(byte[] data, InetSocketAddress to) throws IOException {
        readyToSend();
        return sendReady(data, to);
    }

    /**
     * Reads away stale transmit stamps of earlier sends, so that {@link #sendReady} makes one system
     * call before the datagram leaves: a caller reads its clock between the two.
     */
    public void readyToSend() throws IOException {
        try {
            for (int i = 0; txStamps && i < MAX_STALE && errorPending(); i++) {
                readError();   // a stale transmit stamp of an earlier send
            }
        } catch (LastErrorException e) {
            throw new IOException("poll: errno " + e.getErrorCode(), e);
        }
    }

    /** {@link #send} without {@link #readyToSend} first. */
    public long sendReady(byte[] data, InetSocketAddress to) throws IOException {
        return sendReady(data, sockaddr(to), to, () -> { });
    }

    /** {@code to} in the kernel's form for this socket, for {@link #sendReady(byte[], byte[], InetSocketAddress, Runnable)}. */
    public byte[] sockaddr(InetSocketAddress to) {
        return sockaddr(to, family);
    }

    /**
     * Sends to {@code address} ({@link #sockaddr(InetSocketAddress)} of {@code to}, named in errors), running
     * {@code justBefore} immediately before the system call: a clock read there is as close to the datagram's
     * leaving as user space gets.
     */
    public long sendReady(byte[] data, byte[] address, InetSocketAddress to, Runnable justBefore) throws IOException {
        try {
            justBefore.run();
            SocketCalls.sendto(fd, data, data.length, 0, address, address.length);
            return txStamps ? transmitStamp() : NO_STAMP;
        } catch (LastErrorException e) {
            throw new IOException("sendto " + to + ": errno " + e.getErrorCode(), e);
        }
    }

    /** Whether sends are still waiting for kernel transmit stamps. */
    public boolean transmitStamps() {
        return txStamps;
    }

    /** This send's transmit stamp as {@link TransmitStampChoice} picks it from the error queue, or NO_STAMP. */
    private long transmitStamp() {
        long end = System.nanoTime() + TX_STAMP_WAIT_NANOS;
        txChoice.begin();
        do {
            for (int i = 0; i < MAX_STALE && txChoice.waiting(); i++) {
                long stamp = readError();
                if (stamp == NO_STAMP && lastKind == NO_KIND) {
                    break;   // the queue is empty
                }
                txChoice.offer(lastKind, stamp);
            }
            if (!txChoice.waiting()) {
                break;
            }
            int waitMillis = (int) Math.max(0, (end - System.nanoTime() + 999_999) / 1_000_000);
            if (poll((short) 0, waitMillis) == 0) {
                break;
            }
        } while (System.nanoTime() < end);
        long stamp = txChoice.end();
        txStamps = txChoice.asking();
        return stamp;
    }

    /**
     * One message from the error queue: its transmit stamp, or NO_STAMP (none queued, or none in it).
     * A port unreachable in it is kept for {@link #receive} to report.
     */
    private long readError() {
        prepare();
        lastKind = NO_KIND;
        try {
            SocketCalls.recvmsg(fd, msg, MSG_ERRQUEUE | MSG_DONTWAIT);
        } catch (LastErrorException e) {
            return NO_STAMP;
        }
        lastKind = stampKind(control, msg.getLong(40));
        if (refusedError(control, msg.getLong(40))) {
            try {
                refused = address(name.getByteArray(0, Math.min(SOCKADDR_BYTES, msg.getInt(8))));
            } catch (IOException e) {
                refused = null;   // no destination to name: the timeout reports it
            }
        }
        return stamp(control, msg.getLong(40));
    }

    /**
     * Whether {@code length} bytes of control messages from the error queue hold an ICMP (or ICMPv6) error
     * whose errno is ECONNREFUSED: the struct sock_extended_err of IP_RECVERR/IPV6_RECVERR, whose first
     * field is ee_errno (u32) and fifth byte ee_origin. Transmit stamps come with one too, of origin
     * SO_EE_ORIGIN_TIMESTAMPING and errno ENOMSG.
     */
    static boolean refusedError(Pointer control, long length) {
        return eachMessage(control, length, 0, (c, level, type, data, dataBytes) -> {
            if (extendedError(level, type, dataBytes)) {
                int errno = c.getInt(data);
                int origin = c.getByte(data + 4) & 0xff;
                if (errno == ECONNREFUSED && (origin == SO_EE_ORIGIN_ICMP || origin == SO_EE_ORIGIN_ICMP6)) {
                    return 1;
                }
            }
            return 0;
        }) != 0;
    }

    /** No message, or one that is not a transmit stamp (an ICMP error). */
    static final int NO_KIND = -1;

    /**
     * Which transmit stamp {@code length} bytes of control messages from the error queue carry: the
     * ee_info of its struct sock_extended_err (of origin SO_EE_ORIGIN_TIMESTAMPING), SCM_TSTAMP_SND (0),
     * SCM_TSTAMP_SCHED (1) or another; {@link #NO_KIND} for any other message.
     */
    static int stampKind(Pointer control, long length) {
        return (int) eachMessage(control, length, NO_KIND, (c, level, type, data, dataBytes) ->
                extendedError(level, type, dataBytes) && (c.getByte(data + 4) & 0xff) == SO_EE_ORIGIN_TIMESTAMPING
                        ? c.getInt(data + 8) : NO_KIND);
    }

    /** Whether a control message is a whole struct sock_extended_err (IP_RECVERR or IPV6_RECVERR). */
    private static boolean extendedError(int level, int type, long dataBytes) {
        return ((level == SOL_IP && type == IP_RECVERR) || (level == SOL_IPV6 && type == IPV6_RECVERR)) && dataBytes >= 16;
    }

    /** One control message: {@code dataBytes} of data at {@code data} in {@code c}; returns the walk's "none" to go on. */
    interface MessageVisitor {
        long visit(Pointer c, int level, int type, long data, long dataBytes);
    }

    /**
     * Walks the control messages (struct cmsghdr: u64 length, i32 level, i32 type, data, padded to 8)
     * in {@code length} bytes, stopping at a malformed one; returns the first answer of {@code v} other
     * than {@code none}, else {@code none}.
     */
    static long eachMessage(Pointer control, long length, long none, MessageVisitor v) {
        long off = 0;
        while (off + CMSGHDR_BYTES <= length) {
            long len = control.getLong(off);
            if (len < CMSGHDR_BYTES || off + len > length) {
                break;
            }
            long r = v.visit(control, control.getInt(off + 8), control.getInt(off + 12), off + CMSGHDR_BYTES,
                    len - CMSGHDR_BYTES);
            if (r != none) {
                return r;
            }
            off += (len + 7) & ~7L;
        }
        return none;
    }

    private boolean errorPending() {
        return (poll((short) 0, 0) & POLLERR) != 0;
    }

    /** poll(2) on the socket; the revents, 0 on timeout or interruption. */
    private int poll(short events, int timeoutMillis) {
        pollfd.setInt(0, fd);
        pollfd.setShort(4, events);
        pollfd.setShort(6, (short) 0);
        try {
            if (SocketCalls.poll(pollfd, 1, timeoutMillis) == 0) {
                return 0;
            }
        } catch (LastErrorException e) {
            return 0;
        }
        return pollfd.getShort(6);
    }

    private void prepare() {
        iov.setPointer(0, buffer);
        iov.setLong(8, RECEIVE_BUFFER_BYTES);
        msg.clear();
        msg.setPointer(0, name);
        msg.setInt(8, SOCKADDR_BYTES);
        msg.setPointer(16, iov);
        msg.setLong(24, 1);
        msg.setPointer(32, control);
        msg.setLong(40, CONTROL_BYTES);
    }

    /**
     * Waits up to {@code timeoutMillis} (0: not at all) for one datagram; null if none came or a
     * signal interrupted the wait. Transmit stamps left on the error queue are discarded meanwhile.
     *
     * @throws Refused an ICMP port unreachable came back for a datagram we sent (reported once)
     */
    public Received receive(int timeoutMillis) throws IOException {
        long end = System.nanoTime() + Math.max(0, timeoutMillis) * 1_000_000L;
        while (true) {
            reportRefused();
            int waitMillis = (int) Math.max(0, (end - System.nanoTime() + 999_999) / 1_000_000);
            int revents = poll(POLLIN, waitMillis);
            if ((revents & POLLIN) != 0) {
                break;
            }
            if ((revents & POLLERR) == 0) {
                return null;
            }
            if (readError() == NO_STAMP) {
                reportRefused();
                break;   // a pending socket error, not a stamp: the plain read below reports and clears it
            }
            if (System.nanoTime() >= end) {
                return null;
            }
        }
        prepare();
        try {
            long n = SocketCalls.recvmsg(fd, msg, MSG_DONTWAIT);
            byte[] data = buffer.getByteArray(0, (int) n);
            byte[] from = name.getByteArray(0, Math.min(SOCKADDR_BYTES, msg.getInt(8)));
            return new Received(data, address(from), stamp(control, msg.getLong(40)));
        } catch (LastErrorException e) {
            if (e.getErrorCode() == EINTR || e.getErrorCode() == EAGAIN || e.getErrorCode() == ECONNREFUSED) {
                return null;
            }
            throw new IOException("recvmsg on the UDP socket: errno " + e.getErrorCode(), e);
        }
    }

    private void reportRefused() throws Refused {
        InetSocketAddress r = refused;
        if (r != null) {
            refused = null;
            throw new Refused(r);
        }
    }

    /**
     * The kernel's stamp among {@code length} bytes of control messages, ns: SCM_TIMESTAMPNS's, or
     * the software one (the first of three) of SCM_TIMESTAMPING; {@link #NO_STAMP} if none.
     */
    static long stamp(Pointer control, long length) {
        return eachMessage(control, length, NO_STAMP, (c, level, type, data, dataBytes) -> {
            if (level == SOL_SOCKET && (type == SCM_TIMESTAMPNS || type == SCM_TIMESTAMPING) && dataBytes >= 16) {
                long sec = c.getLong(data);
                long nsec = c.getLong(data + 8);
                if (sec != 0 || nsec != 0) {
                    return sec * 1_000_000_000L + nsec;
                }
            }
            return NO_STAMP;
        });
    }

    /** struct sockaddr_in or sockaddr_in6 (v4 addresses mapped on an AF_INET6 socket). */
    static byte[] sockaddr(InetSocketAddress a, int family) {
        ByteBuffer b = ByteBuffer.allocate(family == AF_INET ? 16 : 28).order(ByteOrder.nativeOrder());
        b.putShort((short) family);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) a.getPort());
        byte[] ip = a.getAddress().getAddress();
        if (family == AF_INET) {
            b.put(ip);
        } else {
            b.putInt(0);   // flowinfo
            if (ip.length == 4) {
                b.put(new byte[10]).put((byte) 0xff).put((byte) 0xff).put(ip);
            } else {
                b.put(ip);
            }
            b.order(ByteOrder.nativeOrder())
                    .putInt(a.getAddress() instanceof Inet6Address v6 ? v6.getScopeId() : 0);
        }
        return b.array();
    }

    /** The sender's address from a sockaddr_in/sockaddr_in6. */
    static InetSocketAddress address(byte[] sa) throws IOException {
        int family = sa.length >= 2 ? ByteBuffer.wrap(sa).order(ByteOrder.nativeOrder()).getShort(0) : -1;
        if (sa.length < (family == AF_INET ? 8 : 24)) {
            throw new IOException("recvmsg gave a sender address of " + sa.length + " bytes");
        }
        int port = ((sa[2] & 0xff) << 8) | (sa[3] & 0xff);
        try {
            if (family == AF_INET) {
                return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(sa, 4, 8)), port);
            }
            // getByAddress turns a v4-mapped address back into an Inet4Address, as the JDK's sockets report it.
            return new InetSocketAddress(InetAddress.getByAddress(java.util.Arrays.copyOfRange(sa, 8, 24)), port);
        } catch (UnknownHostException e) {
            throw new IOException("bad sender address from recvmsg", e);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            try {
                SocketCalls.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to act on
            }
        }
    }
}
