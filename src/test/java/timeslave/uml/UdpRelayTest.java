package timeslave.uml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's relay on loopback: both ways, held at least the base each way, counted and measured. */
class UdpRelayTest {
    @Test
    void relaysBothWaysHoldingEachDatagramAtLeastTheBase() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        long base = 20_000_000;   // 20 ms each way: far above any scheduling noise, so the check cannot pass by luck
        try (DatagramSocket server = new DatagramSocket(new InetSocketAddress(lo, 0));
             DatagramSocket client = new DatagramSocket(new InetSocketAddress(lo, 0));
             UdpRelay relay = new UdpRelay(new InetSocketAddress(lo, 0), (InetSocketAddress) server.getLocalSocketAddress(),
                     base, 1_000, 7)) {
            server.setSoTimeout(5_000);
            client.setSoTimeout(5_000);
            byte[] request = {1, 2, 3, 4};
            long start = System.nanoTime();
            client.send(new DatagramPacket(request, request.length, relay.address()));
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            server.receive(p);
            assertArrayEquals(request, Arrays.copyOf(p.getData(), p.getLength()));
            byte[] reply = {9, 8, 7};
            server.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
            DatagramPacket q = new DatagramPacket(new byte[64], 64);
            client.receive(q);
            long roundTrip = System.nanoTime() - start;
            assertArrayEquals(reply, Arrays.copyOf(q.getData(), q.getLength()));
            assertEquals(relay.address().getPort(), q.getPort(), "the reply comes from the relay, not the server");
            assertTrue(roundTrip >= 2 * base, "held " + roundTrip + " ns, less than the base twice");
            assertEquals(1, relay.requests());
            // A direction's lateness is recorded once its send call has returned, which can be after the
            // datagram has already arrived.
            long end = System.nanoTime() + 5_000_000_000L;
            while (!(relay.lateness(true).startsWith("up 1 datagrams") && relay.lateness(false).startsWith("down 1 datagrams"))
                    && System.nanoTime() < end) {
                Thread.sleep(10);
            }
            assertTrue(relay.lateness(true).startsWith("up 1 datagrams"), relay.lateness(true));
            assertTrue(relay.lateness(false).startsWith("down 1 datagrams"), relay.lateness(false));
        }
    }

    @Test
    void putsBothThreadsOnTheCpuAskedForOrRefusesToStart() throws Exception {
        InetAddress lo = InetAddress.getLoopbackAddress();
        int cpu = Runtime.getRuntime().availableProcessors() - 1;
        InetSocketAddress nowhere = new InetSocketAddress(lo, 9);
        try (UdpRelay relay = new UdpRelay(new InetSocketAddress(lo, 0), nowhere, 1_000, 1_000, 7, cpu)) {
            List<String> allowed = new ArrayList<>();
            try (var tasks = Files.list(Path.of("/proc/self/task"))) {
                for (Path t : tasks.toList()) {
                    String name = Files.readString(t.resolve("comm")).strip();
                    if (name.startsWith("relay-")) {
                        allowed.add(name + " " + UdpRelay.allowedCpus(t));
                    }
                }
            }
            allowed.sort(null);
            assertEquals(List.of("relay-down " + cpu, "relay-up " + cpu), allowed);
        }
        IOException e = assertThrows(IOException.class,
                () -> new UdpRelay(new InetSocketAddress(lo, 0), nowhere, 1_000, 1_000, 7, 4096).close());
        assertTrue(e.getMessage().contains("CPU 4096"), e.getMessage());
    }
}
