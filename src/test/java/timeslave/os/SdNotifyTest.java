package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify's datagram, received on a socket bound as systemd binds $NOTIFY_SOCKET. */
class SdNotifyTest {
    @TempDir
    Path dir;

    private static int bound(byte[] name, boolean abstractName) {
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_DGRAM | Libc.SOCK_CLOEXEC, 0);
        assertTrue(fd >= 0);
        Libc.SockaddrUn a = new Libc.SockaddrUn(name);
        assertEquals(0, Libc.bind(fd, a, abstractName ? 2 + name.length : a.size()));
        return fd;
    }

    private static String receive(int fd) {
        byte[] buf = new byte[256];
        long n = Libc.recv(fd, buf, buf.length, Libc.MSG_DONTWAIT);
        return n < 0 ? "(nothing: errno " + com.sun.jna.Native.getLastError() + ")" : new String(buf, 0, (int) n, StandardCharsets.UTF_8);
    }

    @Test
    void readyReachesAPathSocket() {
        Path p = dir.resolve("notify");
        int fd = bound(p.toString().getBytes(StandardCharsets.UTF_8), false);
        try {
            assertNull(SdNotify.send(p.toString(), "READY=1\nSTATUS=following sntp:a"));
            assertEquals("READY=1\nSTATUS=following sntp:a", receive(fd));
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void anAbstractNameStartsWithAt() {
        String name = "timeslave-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        byte[] raw = ("\0" + name).getBytes(StandardCharsets.UTF_8);
        int fd = bound(raw, true);
        try {
            assertNull(SdNotify.send("@" + name, "READY=1"));
            assertEquals("READY=1", receive(fd));
        } finally {
            Libc.close(fd);
        }
    }

    @Test
    void withoutTheVariableNothingIsSentAndAMissingSocketSaysWhy() {
        assertNull(SdNotify.send(null, "READY=1"));
        assertNull(SdNotify.send("", "READY=1"));
        String why = SdNotify.send(dir.resolve("missing").toString(), "READY=1");
        assertTrue(why.startsWith("sendto " + dir.resolve("missing") + ": ENOENT"), why);
    }
}
