package timeslave.os;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The libc socket calls the kernel-stamping sockets make ({@link KernelStampedUdpSocket} for a
 * master, {@link BatchUdpSocket} for the servers), direct-mapped; errno as LastErrorException.
 */
final class SocketCalls {
    static {
        Native.register(SocketCalls.class, "c");
    }

    private SocketCalls() {
    }

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, int[] value, int len) throws LastErrorException;

    static native int setsockopt(int fd, int level, int name, long[] value, int len) throws LastErrorException;

    static native int bind(int fd, byte[] addr, int len) throws LastErrorException;

    static native int getsockname(int fd, byte[] addr, int[] len) throws LastErrorException;

    static native long sendto(int fd, byte[] buf, long len, int flags, byte[] addr, int addrLen) throws LastErrorException;

    static native long recvmsg(int fd, Pointer msg, int flags) throws LastErrorException;

    /** For the send-gap experiment's connected variant (src/test); the daemon's sockets stay unconnected. */
    static native int connect(int fd, byte[] addr, int len) throws LastErrorException;

    static native int recvmmsg(int fd, Pointer msgvec, int vlen, int flags, Pointer timeout) throws LastErrorException;

    static native int sendmmsg(int fd, Pointer msgvec, int vlen, int flags) throws LastErrorException;

    static native int poll(Pointer fds, long nfds, int timeoutMillis) throws LastErrorException;

    static native int shutdown(int fd, int how) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;
}
