package timeslave.ref.rfc868;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.ptr.IntByReference;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import timeslave.time.TimeSource;

/**
 * A raw IPv4 ICMP socket, {@code socket(AF_INET, SOCK_RAW, IPPROTO_ICMP)}, through JNA (the JDK has
 * none). Needs root or CAP_NET_RAW. Every ICMP message reaching the host is delivered with its IP
 * header, including, on loopback, our own requests: callers filter by type, id and sequence.
 */
public final class RawIcmpSocket implements IcmpChannel {
    static final int AF_INET = 2;
    static final int SOCK_RAW = 3;
    static final int IPPROTO_ICMP = 1;
    static final short POLLIN = 1;
    static final int SOCKADDR_IN_BYTES = 16;
    static final int POLLFD_BYTES = 8;
    /** Large enough for a 60-byte IP header and any ICMP message we might be sent. */
    static final int RECEIVE_BUFFER_BYTES = 1500;

    /** The libc calls used, with errno turned into LastErrorException. */
    interface LibC extends Library {
        int socket(int domain, int type, int protocol) throws LastErrorException;

        long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrlen) throws LastErrorException;

        long recvfrom(int fd, byte[] buf, long len, int flags, byte[] addr, IntByReference addrlen) throws LastErrorException;

        int poll(byte[] fds, long nfds, int timeoutMillis) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private static LibC libc;
    private final LibC c;
    private final int fd;
    private final TimeSource time;
    private final byte[] buffer = new byte[RECEIVE_BUFFER_BYTES];

    RawIcmpSocket(LibC c, int fd, TimeSource time) {
        this.c = c;
        this.fd = fd;
        this.time = time;
    }

    /**
     * Opens the socket.
     *
     * @throws IOException with errno's meaning when not permitted (EPERM without CAP_NET_RAW) or libc is missing
     */
    public static RawIcmpSocket open(TimeSource time) throws IOException {
        try {
            synchronized (RawIcmpSocket.class) {
                if (libc == null) {
                    libc = Native.load("c", LibC.class);
                }
            }
            return new RawIcmpSocket(libc, libc.socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), time);
        } catch (LastErrorException e) {
            throw new IOException("socket(AF_INET, SOCK_RAW, IPPROTO_ICMP): errno " + e.getErrorCode()
                    + (e.getErrorCode() == 1 ? " (EPERM: needs root or CAP_NET_RAW)" : ""), e);
        } catch (UnsatisfiedLinkError e) {
            throw new IOException("cannot load libc through JNA: " + e.getMessage(), e);
        }
    }

    @Override
    public long send(byte[] icmp, Inet4Address to) throws IOException {
        byte[] addr = sockaddrIn(to);
        long t1 = time.realtimeNanos();
        try {
            c.sendto(fd, icmp, icmp.length, 0, addr, addr.length);
        } catch (LastErrorException e) {
            throw new IOException("sendto " + to.getHostAddress() + ": errno " + e.getErrorCode(), e);
        }
        return t1;
    }

    @Override
    public Datagram receive(long deadlineMonoNanos) throws IOException {
        long remaining = deadlineMonoNanos - time.monotonicNanos();
        int timeoutMillis = (int) Math.max(0, Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000));
        byte[] pfd = ByteBuffer.allocate(POLLFD_BYTES).order(ByteOrder.nativeOrder()).putInt(fd).putShort(POLLIN).array();
        try {
            if (c.poll(pfd, 1, timeoutMillis) == 0) {
                return null;
            }
            long n = c.recvfrom(fd, buffer, buffer.length, 0, null, null);
            long t4 = time.realtimeNanos();
            return new Datagram(Arrays.copyOf(buffer, (int) n), t4, time.monotonicNanos());
        } catch (LastErrorException e) {
            if (e.getErrorCode() == 4) {   // EINTR: treat as nothing received yet
                return null;
            }
            throw new IOException("poll/recvfrom on the ICMP socket: errno " + e.getErrorCode(), e);
        }
    }

    /** struct sockaddr_in: family (host order), port 0, address, 8 bytes of zero. */
    static byte[] sockaddrIn(Inet4Address to) {
        ByteBuffer b = ByteBuffer.allocate(SOCKADDR_IN_BYTES).order(ByteOrder.nativeOrder());
        b.putShort((short) AF_INET);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) 0).put(to.getAddress());
        return b.array();
    }

    @Override
    public void close() {
        try {
            c.close(fd);
        } catch (LastErrorException ignored) {
            // closing a raw socket cannot fail in a way we could act on
        }
    }
}
