package timeslave.ref;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** A loopback UDP address and port with nothing listening: an ephemeral port bound, then released. */
public final class ClosedPort {
    private ClosedPort() {
    }

    public static InetSocketAddress udp(InetAddress loopback) throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(loopback, 0))) {
            return new InetSocketAddress(loopback, s.getLocalPort());
        }
    }
}
