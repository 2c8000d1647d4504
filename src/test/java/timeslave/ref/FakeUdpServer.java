package timeslave.ref;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A scripted UDP server on 127.0.0.1 for transport tests: each request goes to the script, which
 * answers through {@link Replier} (from the server's own socket or from a second "impostor" socket
 * on another port). Runs on a daemon thread; close() stops it.
 */
public final class FakeUdpServer implements AutoCloseable {

    /** Scripted behaviour: sees request number n (from 1) and answers any number of times. */
    public interface Script {
        void handle(int n, byte[] request, Replier reply) throws IOException;
    }

    /** Ways to answer one request. */
    public final class Replier {
        private final InetSocketAddress client;

        Replier(InetSocketAddress client) {
            this.client = client;
        }

        public void send(byte[] data) throws IOException {
            socket.send(new DatagramPacket(data, data.length, client));
        }

        public void sendFromOtherPort(byte[] data) throws IOException {
            impostor.send(new DatagramPacket(data, data.length, client));
        }

        /** Sends from 127.0.0.2 on the server's own port number (another host on the same port). */
        public void sendFromOtherAddress(byte[] data) throws IOException {
            otherHost().send(new DatagramPacket(data, data.length, client));
        }
    }

    private final DatagramSocket socket;
    private final DatagramSocket impostor;
    private DatagramSocket otherHost;
    private final Thread thread;
    public final AtomicInteger requests = new AtomicInteger();

    public FakeUdpServer(Script script) throws IOException {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        impostor = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        thread = new Thread(() -> {
            byte[] buf = new byte[2048];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    int n = requests.incrementAndGet();
                    script.handle(n, Arrays.copyOf(p.getData(), p.getLength()),
                            new Replier((InetSocketAddress) p.getSocketAddress()));
                } catch (SocketException closed) {
                    return;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }, "fake-udp-server");
        thread.setDaemon(true);
        thread.start();
    }

    private synchronized DatagramSocket otherHost() throws IOException {
        if (otherHost == null) {
            otherHost = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), socket.getLocalPort()));
        }
        return otherHost;
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        socket.close();
        impostor.close();
        synchronized (this) {
            if (otherHost != null) {
                otherHost.close();
            }
        }
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
