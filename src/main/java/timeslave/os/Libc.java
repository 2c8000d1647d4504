package timeslave.os;

import com.sun.jna.Native;
import com.sun.jna.Structure;

/** The libc functions timeslave needs that the JDK lacks, by JNA direct mapping (~120 ns a call). */
final class Libc {
    static final int AF_UNIX = 1;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int MSG_DONTWAIT = 0x40;
    static final int PRIO_PROCESS = 0;
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EACCES = 13;
    static final int EINVAL = 22;
    static final int EAGAIN = 11;
    static final int ECONNREFUSED = 111;

    static {
        Native.register(Libc.class, "c");
    }

    private Libc() {
    }

    static native int clock_adjtime(int clockId, Timex tx);

    static native int socket(int domain, int type, int protocol);

    static native int bind(int fd, SockaddrUn addr, int addrLen);

    static native long sendto(int fd, byte[] buf, long len, int flags, SockaddrUn addr, int addrLen);

    static native long recv(int fd, byte[] buf, long len, int flags);

    static native int close(int fd);

    static native int open(String path, int flags);

    static native int dup2(int oldFd, int newFd);

    static native int setpriority(int which, int who, int prio);

    static native String strerror(int errnum);

    /** "EPERM (Operation not permitted)". */
    static String errnoText(int errno) {
        String name = switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EAGAIN -> "EAGAIN";
            case EACCES -> "EACCES";
            case 14 -> "EFAULT";
            case 19 -> "ENODEV";
            case EINVAL -> "EINVAL";
            case 95 -> "EOPNOTSUPP";
            case ECONNREFUSED -> "ECONNREFUSED";
            default -> "errno " + errno;
        };
        return name + " (" + strerror(errno) + ")";
    }

    /** struct sockaddr_un: family and a 108-byte NUL-terminated path. */
    @Structure.FieldOrder({"sunFamily", "sunPath"})
    public static final class SockaddrUn extends Structure {
        static final int PATH_MAX = 108;
        public short sunFamily = AF_UNIX;
        public byte[] sunPath = new byte[PATH_MAX];

        SockaddrUn(byte[] path) {
            System.arraycopy(path, 0, sunPath, 0, path.length);
        }
    }
}
