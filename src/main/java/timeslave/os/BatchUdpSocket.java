package timeslave.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A bound UDP server socket through libc that receives and sends datagrams in batches
 * ({@code recvmmsg}/{@code sendmmsg}, as chronyd receives), each received one carrying the kernel's
 * receive timestamp ({@code SO_TIMESTAMPNS}). The JDK's channel makes two system calls, an address
 * object and an address conversion per datagram; here one call moves up to a batch, into and out of
 * native buffers allocated once ({@link Batch}), and a reply goes back to the sender's address as
 * the kernel wrote it. Linux on LP64 (x86_64, aarch64): the struct layouts are that ABI's.
 */
public final class BatchUdpSocket implements AutoCloseable {
    /** No kernel timestamp came with the datagram. */
    public static final long NO_STAMP = KernelStampedUdpSocket.NO_STAMP;
    public static final int AF_INET = KernelStampedUdpSocket.AF_INET;
    public static final int AF_INET6 = KernelStampedUdpSocket.AF_INET6;
    static final int SOL_SOCKET = 1;
    static final int SO_RCVTIMEO = 20;
    static final int SO_TIMESTAMPNS = KernelStampedUdpSocket.SO_TIMESTAMPNS;
    static final int MSG_WAITFORONE = 0x10000;
    static final int SHUT_RDWR = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    /**
     * A blocked receive gives up after this long, ms, so that a closing server is never stuck in the
     * kernel ({@link #shutdown} wakes it at once; this is the fallback).
     */
    public static final int RECEIVE_TIMEOUT_MILLIS = 500;
    static final int MMSGHDR_BYTES = 64;
    static final int IOVEC_BYTES = 16;
    static final int NAME_BYTES = 32;
    /** One SCM_TIMESTAMPNS message is CMSG_SPACE(16) = 32 bytes; room for one more. */
    static final int CONTROL_BYTES = 64;


    private final int fd;
    private final int family;
    private final InetSocketAddress local;
    private volatile boolean shut;
    private boolean closed;

    private BatchUdpSocket(int fd, int family, InetSocketAddress local) {
        this.fd = fd;
        this.family = family;
        this.local = local;
    }

    /**
     * Opens a UDP socket bound to {@code address} (port 0: any free port) with kernel receive stamps on.
     *
     * @throws IOException naming the call and errno if libc cannot be loaded or any call fails
     */
    public static BatchUdpSocket bind(InetSocketAddress address) throws IOException {
        int family = address.getAddress() instanceof Inet4Address ? AF_INET : AF_INET6;
        int fd;
        try {
            fd = SocketCalls.socket(family, KernelStampedUdpSocket.SOCK_DGRAM | KernelStampedUdpSocket.SOCK_CLOEXEC, 0);
        } catch (LastErrorException e) {
            throw new IOException("socket: errno " + e.getErrorCode(), e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new IOException("cannot load libc through JNA: " + e.getMessage(), e);
        }
        try {
            SocketCalls.setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, new int[]{1}, 4);
            SocketCalls.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new long[]{0, RECEIVE_TIMEOUT_MILLIS * 1000L}, 16);
            byte[] sa = KernelStampedUdpSocket.sockaddr(address, family);
            SocketCalls.bind(fd, sa, sa.length);
            byte[] got = new byte[KernelStampedUdpSocket.SOCKADDR_BYTES];
            int[] len = {got.length};
            SocketCalls.getsockname(fd, got, len);
            return new BatchUdpSocket(fd, family, new InetSocketAddress(address.getAddress(),
                    ((got[2] & 0xff) << 8) | (got[3] & 0xff)));
        } catch (LastErrorException e) {
            SocketCalls.close(fd);
            throw new IOException("setsockopt/bind " + address + ": errno " + e.getErrorCode(), e);
        }
    }

    public InetSocketAddress localAddress() {
        return local;
    }

    /** A thread's own buffers for up to {@code size} datagrams of at most {@code bufferBytes} each. */
    public Batch batch(int size, int bufferBytes) {
        return new Batch(size, bufferBytes);
    }

    /** Wakes every thread blocked in {@link Batch#receive()}; they then return -1. The descriptor stays open. */
    public void shutdown() {
        shut = true;
        try {
            SocketCalls.shutdown(fd, SHUT_RDWR);
        } catch (LastErrorException e) {
            // ENOTCONN on an unconnected socket: the kernel has woken the readers all the same
        }
    }

    /** Closes the descriptor; only once no thread uses it any more. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            shut = true;
            try {
                SocketCalls.close(fd);
            } catch (LastErrorException ignored) {
                // nothing to act on
            }
        }
    }

    /**
     * One thread's datagrams: a vector of {@code struct mmsghdr} for receiving and one for sending,
     * their iovecs, sender addresses, control buffers and data, all in one native block read and
     * written through a ByteBuffer (no call into native code but recvmmsg and sendmmsg).
     * A received datagram {@code i} is answered in place: {@link #reply} marks it to be sent back.
     */
    public final class Batch {
        private final int size;
        private final int dataBytes;
        private final Memory block;
        private final ByteBuffer bb;
        private final Pointer rx;
        private final Pointer tx;
        private final long rxAt;
        private final long txAt;
        private final long rxIovAt;
        private final long txIovAt;
        private final long nameAt;
        private final long controlAt;
        private final long dataAt;
        /** Headers the last receive filled, to be made ready again; all of them at first. */
        private int used;
        private int replies;

        Batch(int size, int bufferBytes) {
            this.size = size;
            this.dataBytes = (bufferBytes + 7) & ~7;
            rxAt = 0;
            txAt = rxAt + (long) size * MMSGHDR_BYTES;
            rxIovAt = txAt + (long) size * MMSGHDR_BYTES;
            txIovAt = rxIovAt + (long) size * IOVEC_BYTES;
            nameAt = txIovAt + (long) size * IOVEC_BYTES;
            controlAt = nameAt + (long) size * NAME_BYTES;
            dataAt = controlAt + (long) size * CONTROL_BYTES;
            block = new Memory(dataAt + (long) size * dataBytes);
            block.clear();
            bb = block.getByteBuffer(0, block.size()).order(ByteOrder.nativeOrder());
            rx = block.share(rxAt);
            used = size;
            tx = block.share(txAt);
            long base = Pointer.nativeValue(block);
            for (int i = 0; i < size; i++) {
                int iov = (int) (rxIovAt + (long) i * IOVEC_BYTES);
                bb.putLong(iov, base + dataAt + (long) i * dataBytes);
                bb.putLong(iov + 8, bufferBytes);
                int m = (int) (rxAt + (long) i * MMSGHDR_BYTES);
                bb.putLong(m, base + nameAt + (long) i * NAME_BYTES);       // msg_name
                bb.putLong(m + 16, base + iov);                               // msg_iov
                bb.putLong(m + 24, 1);                                        // msg_iovlen
                bb.putLong(m + 32, base + controlAt + (long) i * CONTROL_BYTES);   // msg_control
                int t = (int) (txAt + (long) i * MMSGHDR_BYTES);
                bb.putLong(t + 16, base + txIovAt + (long) i * IOVEC_BYTES);
                bb.putLong(t + 24, 1);
            }
        }

        /**
         * Waits for at least one datagram and takes what else is queued, up to the batch size.
         *
         * @return how many were received; 0 if the wait timed out or was interrupted; -1 once the
         * socket is shut down
         * @throws IOException for any other error, naming errno
         */
        public int receive() throws IOException {
            replies = 0;
            if (shut) {
                return -1;
            }
            for (int i = 0; i < used; i++) {   // the kernel wrote these in only the headers it filled
                int m = (int) (rxAt + (long) i * MMSGHDR_BYTES);
                bb.putInt(m + 8, NAME_BYTES);           // msg_namelen
                bb.putLong(m + 40, CONTROL_BYTES);      // msg_controllen
                bb.putInt(m + 48, 0);                   // msg_flags
            }
            used = 0;
            int n;
            try {
                n = SocketCalls.recvmmsg(fd, rx, size, MSG_WAITFORONE, null);
            } catch (LastErrorException e) {
                used = size;   // make every header ready again, whatever the failed call left in them
                if (shut) {
                    return -1;
                }
                if (e.getErrorCode() == EINTR || e.getErrorCode() == EAGAIN) {
                    return 0;
                }
                throw new IOException("recvmmsg: errno " + e.getErrorCode(), e);
            }
            if (shut) {
                return -1;
            }
            used = n;
            return n;
        }

        /** Bytes received in datagram {@code i} (a datagram longer than the buffer is cut to it). */
        public int length(int i) {
            return bb.getInt((int) (rxAt + (long) i * MMSGHDR_BYTES + 56));
        }

        /** Copies datagram {@code i} into {@code buf}; returns its length. */
        public int read(int i, byte[] buf) {
            int n = Math.min(length(i), buf.length);
            bb.get((int) (dataAt + (long) i * dataBytes), buf, 0, n);
            return n;
        }

        /** The sender's address family: {@link #AF_INET}, {@link #AF_INET6} or another. */
        public int family(int i) {
            return bb.getInt((int) (rxAt + (long) i * MMSGHDR_BYTES + 8)) < 4 ? -1
                    : bb.getShort((int) (nameAt + (long) i * NAME_BYTES));
        }

        /** The sender's port. */
        public int port(int i) {
            int at = (int) (nameAt + (long) i * NAME_BYTES);
            return (bb.get(at + 2) & 0xff) << 8 | bb.get(at + 3) & 0xff;
        }

        /** An AF_INET sender's IPv4 address as an int, first octet highest. */
        public int ipv4(int i) {
            int v = bb.getInt((int) (nameAt + (long) i * NAME_BYTES + 4));
            return bb.order() == ByteOrder.BIG_ENDIAN ? v : Integer.reverseBytes(v);
        }

        /** The sender's address as a Java object (allocates: for IPv6, or a log line). */
        public InetSocketAddress sender(int i) throws IOException {
            int len = bb.getInt((int) (rxAt + (long) i * MMSGHDR_BYTES + 8));
            byte[] sa = new byte[Math.min(Math.max(len, 0), KernelStampedUdpSocket.SOCKADDR_BYTES)];
            bb.get((int) (nameAt + (long) i * NAME_BYTES), sa, 0, sa.length);
            if (sa.length < 8) {
                throw new IOException("sender address of " + sa.length + " bytes");
            }
            return KernelStampedUdpSocket.address(sa);
        }

        /** The kernel's CLOCK_REALTIME stamp of datagram {@code i}'s arrival, ns, or {@link #NO_STAMP}. */
        public long kernelRealtimeNanos(int i) {
            long controlLength = bb.getLong((int) (rxAt + (long) i * MMSGHDR_BYTES + 40));
            int c = (int) (controlAt + (long) i * CONTROL_BYTES);
            if (controlLength >= 32 && bb.getLong(c) >= 32 && bb.getInt(c + 8) == SOL_SOCKET
                    && bb.getInt(c + 12) == SO_TIMESTAMPNS) {
                return bb.getLong(c + 16) * 1_000_000_000L + bb.getLong(c + 24);   // the first message: the usual case
            }
            return KernelStampedUdpSocket.stamp(block.share(c), Math.min(controlLength, CONTROL_BYTES));
        }

        /** Queues {@code buf[0..len)} as the reply to datagram {@code i}, sent by {@link #send}. */
        public void reply(int i, byte[] buf, int len) {
            int data = (int) (dataAt + (long) i * dataBytes);
            bb.put(data, buf, 0, len);
            int t = (int) (txAt + (long) replies * MMSGHDR_BYTES);
            int r = (int) (rxAt + (long) i * MMSGHDR_BYTES);
            bb.putLong(t, bb.getLong(r));               // msg_name: the sender's, as received
            bb.putInt(t + 8, bb.getInt(r + 8));         // msg_namelen
            int iov = (int) (txIovAt + (long) replies * IOVEC_BYTES);
            bb.putLong(iov, Pointer.nativeValue(block) + data);
            bb.putLong(iov + 8, len);
            replies++;
        }

        /** Replies queued since the last receive. */
        public int queued() {
            return replies;
        }

        /** Sends every queued reply; returns how many the kernel took (one that fails is skipped). */
        public int send() {
            int sent = 0;
            int from = 0;
            while (from < replies) {
                try {
                    int n = SocketCalls.sendmmsg(fd, tx.share((long) from * MMSGHDR_BYTES), replies - from, 0);
                    sent += n;
                    from += Math.max(n, 1);
                } catch (LastErrorException e) {
                    if (shut) {
                        break;
                    }
                    from++;   // this client's address is unusable (e.g. no route): its reply is dropped
                }
            }
            replies = 0;
            return sent;
        }
    }
}
