package timeslave.clockbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client against segments written here by hand, following the layout (not by our writer). */
class BoundedClockTest {
    static final long S = 1_000_000_000L;
    @TempDir
    Path dir;
    private final AtomicLong real = new AtomicLong(1_700_000_000L * S);
    private final AtomicLong mono = new AtomicLong(500 * S);

    /** A v2 segment: as_of and void_after in ns of CLOCK_MONOTONIC. */
    static void segment(ByteBuffer b, int generation, long asOf, long voidAfter, long bound, int driftPpb, int status) {
        b.order(ByteOrder.nativeOrder());
        b.put(0, new byte[] {'A', 'M', 'Z', 'N', 'C', 'B', 2, 0});
        b.putInt(8, 80);
        b.putShort(12, (short) 2);
        b.putShort(14, (short) generation);
        b.putLong(16, asOf / S);
        b.putLong(24, asOf % S);
        b.putLong(32, voidAfter / S);
        b.putLong(40, voidAfter % S);
        b.putLong(48, bound);
        b.putLong(56, 0);
        b.putInt(64, driftPpb);
        b.putInt(68, status);
        b.put(72, (byte) 0);
    }

    private Path file(int generation, long asOf, long bound, int driftPpb, int status) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(80);
        segment(b, generation, asOf, asOf + 1_000 * S, bound, driftPpb, status);
        Path p = dir.resolve("shm0");
        Files.write(p, b.array());
        return p;
    }

    private BoundedClock open(Path p) throws IOException {
        return BoundedClock.open(p, real::get, mono::get);
    }

    @Test
    void theBoundGrowsWithMaxDriftSinceAsOf() throws Exception {
        try (BoundedClock c = open(file(2, 500 * S, 1_000, 15_000, 1))) {
            Reading r = new Reading();
            c.read(r);
            assertEquals(real.get() - 1_000, r.earliestNanos());
            assertEquals(real.get() + 1_000, r.latestNanos());
            assertEquals(ClockStatus.SYNCHRONIZED, r.status());
            mono.addAndGet(2 * S);
            c.read(r);
            assertEquals(real.get() + 1_000 + 30_000, r.latestNanos(), "15 ppm for 2 s");
            Bounds b = c.now();
            assertEquals(Instant.ofEpochSecond(1_700_000_000L, 31_000), b.latest());
            assertEquals(Instant.ofEpochSecond(1_699_999_999L, S - 31_000), b.earliest());
        }
    }

    @Test
    void statusFollowsClockBoundsClientRules() throws Exception {
        try (BoundedClock c = open(file(2, 500 * S, 1_000, 15_000, 1))) {
            mono.set(505 * S + 1);
            assertEquals(ClockStatus.FREE_RUNNING, c.now().status(), "Synchronized goes FreeRunning 5 s after as_of");
            mono.set(1_500 * S + 1);
            Bounds b = c.now();
            assertEquals(ClockStatus.UNKNOWN, b.status(), "after void_after");
            assertEquals(Instant.MIN, b.earliest());
            assertEquals(Instant.MAX, b.latest());
            mono.set(500 * S - 999);
            assertEquals(ClockStatus.SYNCHRONIZED, c.now().status(), "within the 1 µs causality blur");
            mono.set(500 * S - 1_001);
            assertEquals(ClockStatus.UNKNOWN, c.now().status(), "before as_of");
        }
        try (BoundedClock c = open(file(2, 500 * S, 1_000, 15_000, 3))) {
            mono.set(500 * S);
            assertEquals(ClockStatus.DISRUPTED, c.now().status());
            assertEquals(Instant.MIN, c.now().earliest());
        }
        try (BoundedClock c = open(file(0, 500 * S, 1_000, 15_000, 1))) {
            assertEquals(ClockStatus.UNKNOWN, c.now().status(), "generation 0: never written");
        }
    }

    @Test
    void anythingButAV2SegmentIsRefusedWithTheReason() throws Exception {
        Path p = file(2, 0, 0, 0, 1);
        byte[] b = Files.readAllBytes(p);
        b[12] = 1;
        b[13] = 0;
        if (ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN) {
            b[12] = 0;
            b[13] = 1;
        }
        Files.write(p, b);
        assertTrue(assertThrows(IOException.class, () -> open(p)).getMessage().contains("segment version 1, want 2"));
        Files.write(p, new byte[40]);
        assertTrue(assertThrows(IOException.class, () -> open(p)).getMessage().contains("40 bytes"));
        Files.write(p, new byte[80]);
        assertTrue(assertThrows(IOException.class, () -> open(p)).getMessage().contains("bad magic"));
    }

    @Test
    void theClockViewsFollowTheSegment() throws Exception {
        try (BoundedClock c = open(file(2, 500 * S, 1_000, 0, 1))) {
            assertEquals(Instant.ofEpochSecond(1_700_000_000L), c.asClock().instant());
            assertEquals(1_700_000_000_000L, c.asClock().millis());
            assertEquals(Instant.ofEpochSecond(1_700_000_000L, 1_000), c.latest().instant());
            assertEquals(Instant.ofEpochSecond(1_699_999_999L, S - 1_000), c.earliest().instant());
        }
    }

    /**
     * A writer thread rewrites the segment as fast as it can under the seqlock, each version k with
     * as_of = k s and bound = k ns at 1 s/s max drift; read at a fixed mono M, a whole version gives a
     * width of k + (M − k s), and a torn read (as_of of one version, bound of another) gives no such width.
     */
    @Test
    @Timeout(60)
    void readersNeverSeeATornWrite() throws Exception {
        Path p = dir.resolve("shm0");
        Files.write(p, new byte[80]);
        long fixedMono = 900_000 * S;
        mono.set(fixedMono);
        real.set(0);
        AtomicBoolean stop = new AtomicBoolean();
        try (FileChannel f = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer m = f.map(FileChannel.MapMode.READ_WRITE, 0, 80);
            segment(m, 2, 1, Long.MAX_VALUE / 2, 1, 1_000_000_000, 2);
            Thread writer = new Thread(() -> {
                var gen = java.lang.invoke.MethodHandles.byteBufferViewVarHandle(short[].class, ByteOrder.nativeOrder());
                int g = 2;
                for (long k = 1; !stop.get(); k = k % 800_000 + 1) {
                    gen.setVolatile(m, 14, (short) (g + 1));
                    java.lang.invoke.VarHandle.storeStoreFence();
                    m.putLong(16, k);
                    m.putLong(24, 0);
                    m.putLong(48, k);
                    gen.setRelease(m, 14, (short) (g + 2 > 0xFFFF ? 2 : g + 2));
                    g = g + 2 > 0xFFFF ? 2 : g + 2;
                }
            });
            writer.start();
            try (BoundedClock c = open(p)) {
                Reading r = new Reading();
                int whole = 0;
                for (int i = 0; i < 2_000_000; i++) {
                    c.read(r);
                    if (r.status() == ClockStatus.UNKNOWN) {
                        continue;   // the writer was preempted mid-write for longer than a read waits: no bound, not a torn one
                    }
                    whole++;
                    long width = r.latestNanos();
                    long rest = width - fixedMono;   // k − k·10^9 = −k·999 999 999
                    assertTrue(rest <= 0 && -rest % 999_999_999L == 0, "torn read: width " + width + " at read " + i);
                }
                assertTrue(whole > 1_000, "whole reads: " + whole);
            } finally {
                stop.set(true);
                writer.join();
            }
        }
    }
}
