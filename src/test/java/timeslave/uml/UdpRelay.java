package timeslave.uml;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.SplittableRandom;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A UDP relay that makes a path worse in a known way, for the real-kernel benchmark: a client
 * (the guest) sends to the relay's address, the relay forwards to the server, and the server's
 * replies go back to the client; each datagram, in each direction, is held for
 * {@code baseNanos} plus an exponentially distributed extra with mean {@code jitterMeanNanos}
 * (seeded). Both directions are drawn from the same distribution, so the path stays symmetric on
 * average and only its jitter is new. One client at a time (the last one heard from).
 */
public final class UdpRelay implements AutoCloseable {
    /** The last stretch of each hold is spun rather than slept: a sleep overshoots by tens of µs. */
    private static final long SPIN_NANOS = 200_000;

    private final DatagramChannel front;
    private final DatagramChannel back;
    private final InetSocketAddress server;
    private final long baseNanos;
    private final double jitterMeanNanos;
    private final SplittableRandom random;
    private final DelayQueue<Held> queue = new DelayQueue<>();
    private final Thread[] threads;
    private volatile SocketAddress client;
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicLong requests = new java.util.concurrent.atomic.AtomicLong();

    /** Listens on {@code listen} (port 0: any) and relays to {@code server}. */
    public UdpRelay(InetSocketAddress listen, InetSocketAddress server, long baseNanos, long jitterMeanNanos, long seed)
            throws IOException {
        this.front = DatagramChannel.open().bind(listen);
        this.back = DatagramChannel.open().bind(new InetSocketAddress(listen.getAddress(), 0));
        this.server = server;
        this.baseNanos = baseNanos;
        this.jitterMeanNanos = jitterMeanNanos;
        this.random = new SplittableRandom(seed);
        threads = new Thread[]{new Thread(() -> pump(front, true), "relay-up"), new Thread(() -> pump(back, false), "relay-down"),
                new Thread(this::deliver, "relay-deliver")};
        for (Thread t : threads) {
            t.setDaemon(true);
            t.start();
        }
    }

    /** Datagrams relayed from clients to the server so far (the packet budget actually used). */
    public long requests() {
        return requests.get();
    }

    /** The address clients send to. */
    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) front.getLocalAddress();
    }

    private record Held(long dueNanos, byte[] data, boolean up, SocketAddress to) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - SPIN_NANOS - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            return Long.compare(dueNanos, ((Held) o).dueNanos);
        }
    }

    private synchronized long holdNanos() {
        return baseNanos + Math.round(-jitterMeanNanos * Math.log(1 - random.nextDouble()));
    }

    private void pump(DatagramChannel ch, boolean up) {
        ByteBuffer buf = ByteBuffer.allocate(2048);
        while (!closed) {
            try {
                buf.clear();
                SocketAddress from = ch.receive(buf);
                long now = System.nanoTime();
                buf.flip();
                byte[] data = new byte[buf.remaining()];
                buf.get(data);
                if (up) {
                    requests.incrementAndGet();
                    client = from;
                    queue.add(new Held(now + holdNanos(), data, true, server));
                } else if (client != null && from.equals(server)) {
                    queue.add(new Held(now + holdNanos(), data, false, client));
                }
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("relay: " + e);
                }
            }
        }
    }

    private void deliver() {
        while (!closed) {
            try {
                Held h = queue.take();
                while (System.nanoTime() < h.dueNanos) {
                    Thread.onSpinWait();
                }
                (h.up ? back : front).send(ByteBuffer.wrap(h.data), h.to);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("relay: " + e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        front.close();
        back.close();
        for (Thread t : threads) {
            t.interrupt();
        }
        LockSupport.parkNanos(1_000_000);
    }
}
