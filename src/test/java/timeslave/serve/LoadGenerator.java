package timeslave.serve;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Locale;

/**
 * The load generator of scripts/bench-serve: keeps a window of requests in flight to one UDP server
 * on loopback and counts replies a second. Bounded: at most {@link #MAX_SECONDS} s and
 * {@link #MAX_REQUESTS} requests, loopback addresses only. Prints one line:
 * {@code PROTOCOL HOST:PORT replies=N seconds=S rate=R/s sent=N}.
 *
 * <p>Usage: {@code LoadGenerator ntp|taiclock|time PORT [SECONDS [WINDOW]]}.
 */
public final class LoadGenerator {
    static final int MAX_SECONDS = 30;
    static final long MAX_REQUESTS = 20_000_000L;
    /** A request unanswered this long is taken as lost and replaced, ms. */
    static final int LOSS_TIMEOUT_MILLIS = 20;

    private LoadGenerator() {
    }

    static byte[] request(String protocol) {
        return switch (protocol) {
            case "ntp" -> {
                byte[] b = new byte[48];
                b[0] = 0x23;
                b[47] = 1;
                yield b;
            }
            case "taiclock" -> {
                byte[] b = new byte[32];
                b[0] = 'c';
                b[1] = 't';
                b[2] = 'a';
                b[3] = 'i';
                yield b;
            }
            case "time" -> new byte[0];
            default -> throw new IllegalArgumentException("protocol must be ntp, taiclock or time: " + protocol);
        };
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: LoadGenerator ntp|taiclock|time PORT [SECONDS [WINDOW]]");
            System.exit(2);
        }
        String protocol = args[0];
        InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[1]));
        double seconds = Math.min(MAX_SECONDS, args.length > 2 ? Double.parseDouble(args[2]) : 5);
        int window = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        byte[] req = request(protocol);
        DatagramPacket out = new DatagramPacket(req, req.length, server);
        byte[] buf = new byte[512];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        long sent = 0;
        long replies = 0;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(LOSS_TIMEOUT_MILLIS);
            s.setReceiveBufferSize(1 << 20);
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            for (int i = 0; i < window; i++, sent++) {
                s.send(out);
            }
            long now = start;
            while (now < end && sent < MAX_REQUESTS) {
                try {
                    s.receive(in);
                    replies++;
                    s.send(out);
                    sent++;
                } catch (SocketTimeoutException e) {
                    for (int i = 0; i < window; i++, sent++) {
                        s.send(out);
                    }
                }
                now = System.nanoTime();
            }
            double elapsed = (now - start) / 1e9;
            System.out.printf(Locale.ROOT, "%s 127.0.0.1:%d replies=%d seconds=%.3f rate=%.0f/s sent=%d%n", protocol,
                    server.getPort(), replies, elapsed, replies / elapsed, sent);
        }
    }
}
