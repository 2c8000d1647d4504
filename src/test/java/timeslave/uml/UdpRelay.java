package timeslave.uml;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import timeslave.os.KernelStampedUdpSocket;

/**
 * A UDP relay that makes a path worse in a known way, for the real-kernel benchmark: a client
 * (the guest) sends to the relay's address, the relay forwards to the server, and the server's
 * replies go back to the client; each datagram, in each direction, is held for
 * {@code baseNanos} plus an exponentially distributed extra with mean {@code jitterMeanNanos}
 * (seeded). Both directions are drawn from the same distribution, so the path stays symmetric on
 * average and only its jitter is new. One client at a time (the last one heard from).
 *
 * <p>Each hold is counted from the kernel's receive stamp of the datagram (SO_TIMESTAMPNS), not from
 * when a thread woke up to read it, and the same thread sleeps until {@link #SPIN_NANOS} before the
 * datagram is due, spins out the rest and sends: no hand-over to another thread. A base shorter than
 * the thread's wake-up is stretched to it (see {@link BenchRealKernel#SETTLE_NANOS}). The first relay
 * handed each datagram to a delivery thread through a queue; after 16 s asleep both threads woke late, by different amounts in each direction, and both
 * daemons behind it settled about +115 µs off (issue 10). How late each datagram was handed to the
 * kernel, against its arrival stamp plus its hold, is measured by the clock read just before the send
 * call and reported per direction ({@link #lateness}), so any asymmetry left in the relay's own timing
 * shows in the benchmark. (Not after the call: a send that wakes a process on the relay's CPU, the
 * guest behind it when pinned, can be preempted by it before reading the clock.)
 * (Not by the kernel's transmit stamp: each socket is read by one direction's thread and written by the
 * other's, and the stamps would come back on the reading thread's error queue.)
 * A datagram that arrives while the thread of its direction is still holding another waits for it
 * (one request per poll interval never does).
 */
public final class UdpRelay implements AutoCloseable {
    /** A holding thread wakes this long before a datagram is due and spins out the rest, ns. */
    static final long SPIN_NANOS = 300_000;
    private final KernelStampedUdpSocket front;
    private final KernelStampedUdpSocket back;
    private final InetSocketAddress listen;
    private final InetSocketAddress server;
    private final long baseNanos;
    private final double jitterMeanNanos;
    private final SplittableRandom random;
    private final Thread[] threads;
    private final List<Long> lateUp = new ArrayList<>();
    private final List<Long> lateDown = new ArrayList<>();
    private volatile InetSocketAddress client;
    private volatile boolean closed;
    private final AtomicLong requests = new AtomicLong();

    /** Listens on {@code listen}'s address (any port) and relays to {@code server}, its threads on any CPU. */
    public UdpRelay(InetSocketAddress listen, InetSocketAddress server, long baseNanos, long jitterMeanNanos, long seed)
            throws IOException {
        this(listen, server, baseNanos, jitterMeanNanos, seed, -1);
    }

    /**
     * As above, with both threads on host CPU {@code cpu} ({@code taskset -p}; -1 for any): the CPU the
     * guest behind it runs on, so that a datagram relayed to the guest wakes it on a CPU that is awake
     * (see {@link BenchRealKernel#PINNED}).
     */
    public UdpRelay(InetSocketAddress listen, InetSocketAddress server, long baseNanos, long jitterMeanNanos, long seed,
                    int cpu) throws IOException {
        // Without transmit stamps, one thread may send on a socket while another receives on it.
        this.front = KernelStampedUdpSocket.open(listen.getAddress(), false);
        this.back = KernelStampedUdpSocket.open(server.getAddress(), false);
        this.listen = new InetSocketAddress(listen.getAddress(), front.localPort());
        this.server = server;
        this.baseNanos = baseNanos;
        this.jitterMeanNanos = jitterMeanNanos;
        this.random = new SplittableRandom(seed);
        CompletableFuture<?>[] pinned = {new CompletableFuture<Void>(),
                new CompletableFuture<Void>()};
        threads = new Thread[]{new Thread(() -> pump(true, cpu, pinned[0]), "relay-up"),
                new Thread(() -> pump(false, cpu, pinned[1]), "relay-down")};
        for (Thread t : threads) {
            t.setDaemon(true);
            t.start();
        }
        try {
            for (var f : pinned) {
                f.get();
            }
        } catch (ExecutionException | InterruptedException e) {
            close();
            throw new IOException("relay: cannot put its threads on CPU " + cpu + ": " + e.getCause(), e);
        }
    }

    /** Datagrams relayed from clients to the server so far (the packet budget actually used). */
    public long requests() {
        return requests.get();
    }

    /** The address clients send to (the listening address; the socket itself is bound to every address). */
    public InetSocketAddress address() {
        return listen;
    }

    private synchronized long holdNanos() {
        return baseNanos + Math.round(-jitterMeanNanos * Math.log(1 - random.nextDouble()));
    }

    /**
     * Returns at host real time {@code dueRealtimeNanos}, given one reading of the real and monotonic
     * clocks: asleep until {@link #SPIN_NANOS} before, then spinning. A thread that spins for the whole
     * hold on a loaded 2-CPU machine is preempted and sends milliseconds late.
     */
    static void waitUntil(long dueRealtimeNanos, long nowReal, long nowMono) {
        long dueMono = nowMono + (dueRealtimeNanos - nowReal);
        long wake = dueMono - SPIN_NANOS;
        for (long left = wake - System.nanoTime(); left > 0; left = wake - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
        while (System.nanoTime() < dueMono) {
            Thread.onSpinWait();
        }
    }

    /** The threads' allowed CPUs as {@code /proc/.../status} of a process or thread lists them ("0", "0-1"). */
    static String allowedCpus(Path procEntry) throws IOException {
        return Files.readAllLines(procEntry.resolve("status")).stream().filter(l -> l.startsWith("Cpus_allowed_list:"))
                .findFirst().orElseThrow(() -> new IOException("no Cpus_allowed_list in " + procEntry)).split("\\s+")[1];
    }

    /** Puts the calling thread on host CPU {@code cpu} alone. */
    static void pinCurrentThread(int cpu) throws IOException, InterruptedException {
        String tid = Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString();
        Process p = new ProcessBuilder(UmlGuest.TASKSET.toString(), "-p", "-c", Integer.toString(cpu), tid)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IOException("taskset -p -c " + cpu + " " + tid + " exited " + p.exitValue());
        }
    }

    private void pump(boolean up, int cpu, CompletableFuture<?> pinned) {
        try {
            if (cpu >= 0) {
                pinCurrentThread(cpu);
            }
            pinned.complete(null);
        } catch (IOException | InterruptedException | RuntimeException e) {
            pinned.completeExceptionally(e);
            return;
        }
        KernelStampedUdpSocket in = up ? front : back;
        KernelStampedUdpSocket out = up ? back : front;
        List<Long> late = up ? lateUp : lateDown;
        while (!closed) {
            try {
                KernelStampedUdpSocket.Received r = in.receive(200);
                if (r == null) {
                    continue;
                }
                long nowReal = GuestClock.hostRealtimeNanos();
                long nowMono = System.nanoTime();
                long arrival = r.stamped() && r.kernelRealtimeNanos() <= nowReal ? r.kernelRealtimeNanos() : nowReal;
                InetSocketAddress to;
                if (up) {
                    requests.incrementAndGet();
                    client = r.from();
                    to = server;
                } else if (client != null && r.from().equals(server)) {
                    to = client;
                } else {
                    continue;
                }
                long due = arrival + holdNanos();
                waitUntil(due, nowReal, nowMono);
                long sent = GuestClock.hostRealtimeNanos();
                out.send(r.data(), to);
                synchronized (late) {
                    late.add(sent - due);
                }
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("relay: " + e);
                }
            }
        }
    }

    /**
     * How late datagrams were handed to the kernel in one direction against their arrival stamp plus hold: count, median,
     * mean, 99th percentile and maximum, µs; {@code up} is client to server.
     */
    public String lateness(boolean up) {
        List<Long> late = up ? lateUp : lateDown;
        long[] a;
        synchronized (late) {
            a = late.stream().mapToLong(Long::longValue).sorted().toArray();
        }
        if (a.length == 0) {
            return (up ? "up" : "down") + " 0 datagrams";
        }
        double mean = java.util.Arrays.stream(a).average().orElseThrow();
        long p99 = a[(int) Math.min(a.length - 1, Math.ceil(0.99 * a.length) - 1)];
        return String.format(Locale.ROOT, "%s %d datagrams handed to the kernel late by median %.1f us, mean %.1f us, p99 %.1f us, max %.1f us",
                up ? "up" : "down", a.length, a[a.length / 2] / 1e3, mean / 1e3, p99 / 1e3, a[a.length - 1] / 1e3);
    }

    @Override
    public void close() throws IOException {
        closed = true;
        for (Thread t : threads) {
            try {
                t.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        front.close();
        back.close();
    }
}
