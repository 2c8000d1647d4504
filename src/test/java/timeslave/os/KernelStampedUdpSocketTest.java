package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class KernelStampedUdpSocketTest {
    @Test
    void aSenderAddressTooShortForItsFamilyIsAnIoErrorNotACrash() throws IOException {
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getByName("198.18.0.1"), 123);
        byte[] sa = KernelStampedUdpSocket.sockaddr(v4, KernelStampedUdpSocket.AF_INET);
        assertEquals(v4, KernelStampedUdpSocket.address(sa));
        for (int n : new int[]{0, 1, 4, 7}) {
            byte[] cut = java.util.Arrays.copyOf(sa, n);
            IOException e = assertThrows(IOException.class, () -> KernelStampedUdpSocket.address(cut), "length " + n);
            assertTrue(e.getMessage().contains(n + " bytes"), e.getMessage());
        }
        byte[] v6 = KernelStampedUdpSocket.sockaddr(v4, KernelStampedUdpSocket.AF_INET6);
        assertEquals(v4, KernelStampedUdpSocket.address(v6), "v4-mapped");
        assertThrows(IOException.class, () -> KernelStampedUdpSocket.address(java.util.Arrays.copyOf(v6, 20)));
    }

    /** On loopback: without transmit stamps a send gives none, and datagrams still come with receive stamps. */
    @Test
    @Timeout(20)
    void aSocketOpenedWithoutTransmitStampsSendsUnstampedAndReceivesStamped() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress(lo, 0));
             KernelStampedUdpSocket s = KernelStampedUdpSocket.open(lo, false)) {
            assertFalse(s.transmitStamps());
            assertEquals(KernelStampedUdpSocket.NO_STAMP, s.send(new byte[]{5}, (InetSocketAddress) echo.getLocalSocketAddress()));
            DatagramPacket p = new DatagramPacket(new byte[8], 8);
            echo.receive(p);
            echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
            KernelStampedUdpSocket.Received r = s.receive(5_000);
            assertEquals(5, r.data()[0]);
            assertTrue(r.stamped(), "receive stamps stay on");
        }
        try (KernelStampedUdpSocket stamped = KernelStampedUdpSocket.open(lo)) {
            assertTrue(stamped.transmitStamps(), "the one-argument open asks for transmit stamps");
        }
    }
}
