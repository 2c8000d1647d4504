package timeslave.os;

import java.nio.charset.StandardCharsets;

/**
 * sd_notify(3) for a Type=notify systemd unit: one datagram ("READY=1", "STOPPING=1", "STATUS=...")
 * to the AF_UNIX socket named in $NOTIFY_SOCKET, a path or, starting with '@', an abstract name.
 * Without $NOTIFY_SOCKET nothing is sent.
 */
public final class SdNotify {
    /** The environment variable systemd sets for a Type=notify service. */
    public static final String ENV = "NOTIFY_SOCKET";

    private SdNotify() {
    }

    /**
     * Sends {@code state} to {@code socket} (the value of $NOTIFY_SOCKET; null or empty: nothing).
     *
     * @return null when sent or nothing was to be sent, else why not (for a debug line)
     */
    public static String send(String socket, String state) {
        if (socket == null || socket.isEmpty()) {
            return null;
        }
        byte[] path = socket.getBytes(StandardCharsets.UTF_8);
        boolean abstractName = path[0] == '@';
        if (abstractName) {
            path[0] = 0;
        }
        if (path.length >= Libc.SockaddrUn.PATH_MAX) {
            return ENV + " " + socket + " is too long for a unix socket";
        }
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        if (fd < 0) {
            return "socket(AF_UNIX): " + Libc.errnoText(com.sun.jna.Native.getLastError());
        }
        try {
            Libc.SockaddrUn addr = new Libc.SockaddrUn(path);
            // sun_family (2 bytes) + the name; an abstract name has no terminating NUL
            int len = abstractName ? 2 + path.length : addr.size();
            byte[] msg = state.getBytes(StandardCharsets.UTF_8);
            if (Libc.sendto(fd, msg, msg.length, 0, addr, len) < 0) {
                return "sendto " + socket + ": " + Libc.errnoText(com.sun.jna.Native.getLastError());
            }
            return null;
        } finally {
            Libc.close(fd);
        }
    }
}
