package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.time.ClockState;

/**
 * The ClockBound v2 segment as the published layout defines it, read byte for byte with plain file
 * I/O (not our client): magic, size, version, generation, as_of, void_after, bound, drift, status.
 */
class ClockBoundSegmentTest {
    static final long S = 1_000_000_000L;
    @TempDir
    Path dir;

    private static ByteBuffer read(Path p) throws Exception {
        return ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.nativeOrder());
    }

    @Test
    void theSegmentFollowsTheLayoutByteForByte() throws Exception {
        FakeTime t = new FakeTime(1_700_000_000L * S, 12_345 * S + 678);
        Path p = dir.resolve("shm0");
        try (ClockBoundWriter w = ClockBoundWriter.open(p, t)) {
            ByteBuffer b = read(p);
            assertEquals(80, Files.size(p));
            assertArrayEquals(new byte[] {0x41, 0x4D, 0x5A, 0x4E, 0x43, 0x42, 0x02, 0x00}, java.util.Arrays.copyOf(b.array(), 8));
            assertEquals(80, b.getInt(8));
            assertEquals(2, b.getShort(12));
            assertEquals(2, b.getShort(14), "first write: generation 0 → 1 → 2");
            assertEquals(0, b.getInt(68), "Unknown before any bound");
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));

            t.advance(S);
            w.clockState(new ClockState(true, t.mono, -300_000, 500_000, 2_000, 15_000));
            b = read(p);
            assertEquals(4, b.getShort(14));
            assertEquals(12_346, b.getLong(16), "as_of seconds");
            assertEquals(678, b.getLong(24), "as_of nanoseconds");
            assertEquals(12_346 + 1_000, b.getLong(32), "void_after = as_of + 1000 s");
            assertEquals(678, b.getLong(40));
            assertEquals(500_000, b.getLong(48), "bound = the larger edge of [lo, hi]");
            assertEquals(0, b.getLong(56), "disruption marker");
            assertEquals(17_000, b.getInt(64), "max drift = growth + |frequency|, ppb");
            assertEquals(1, b.getInt(68), "Synchronized");
            assertEquals(0, b.get(72), "no disruption support");

            w.clockState(new ClockState(false, t.mono, 2.4e9, 2.6e9, 0, 15_000));
            b = read(p);
            assertEquals(2, b.getInt(68), "-m: FreeRunning, the bound still holds");
            assertEquals(2_600_000_000L, b.getLong(48));

            w.clockState(ClockState.disrupted(t.mono));
            b = read(p);
            assertEquals(3, b.getInt(68), "issue 12: stepped by someone else, Disrupted until a new bound");
            assertEquals(0, b.getLong(48));
            w.clockState(ClockState.UNKNOWN);
            assertEquals(0, read(p).getInt(68), "no bound yet is Unknown");
        }
    }

    /**
     * A bound that widens as |dt|^1.5 too (the learnt wander): the published max drift must let a
     * reader that sees no more updates hold the truth until void_after, so it is the widening's chord
     * slope over that horizon, not just the straight-line growth.
     */
    @Test
    void maxDriftCoversTheWanderTermUntilVoidAfter() throws Exception {
        FakeTime t = new FakeTime(1_700_000_000L * S, 50 * S);
        Path p = dir.resolve("shm0");
        try (ClockBoundWriter w = ClockBoundWriter.open(p, t)) {
            ClockState s = new ClockState(true, t.mono, -100_000, 100_000, 0, 50, 1.0);
            w.clockState(s);
            ByteBuffer b = read(p);
            long bound = b.getLong(48);
            long driftPpb = Integer.toUnsignedLong(b.getInt(64));
            double horizon = ClockBoundWriter.VOID_AFTER_NANOS / 1e9;
            for (double d : new double[] {1, 10, 100, 500, horizon}) {
                double truth = s.maxErrorNanos(t.mono + (long) (d * 1e9));
                assertTrue(bound + driftPpb * d >= truth, "at +" + d + " s the reader's bound "
                        + (bound + driftPpb * d) + " ns must hold " + truth + " ns");
            }
            assertTrue(driftPpb > 50 + 1.0 * Math.sqrt(horizon), "the wander term counts: " + driftPpb);
        }
    }

    @Test
    void theWriterRefreshesWithoutNews() throws Exception {
        FakeTime t = new FakeTime(0, 100 * S);
        Path p = dir.resolve("shm0");
        try (ClockBoundWriter w = ClockBoundWriter.open(p, t)) {
            w.start();
            t.advance(5 * S);
            long deadline = System.nanoTime() + 20 * S;
            while (read(p).getLong(16) != 105 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(105, read(p).getLong(16), "rewritten with the new as_of within " + ClockBoundWriter.REFRESH_MILLIS + " ms");
        }
    }

    @Test
    void aMissingDirectoryIsNamed() {
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> ClockBoundWriter.open(dir.resolve("no/shm0"), new FakeTime(0, 0)));
        assertEquals("no such directory " + dir.resolve("no").toAbsolutePath(), e.getMessage());
    }

    @Test
    void theGenerationWrapsToTwoAndCarriesOnAcrossRestarts() throws Exception {
        assertEquals(2, ClockBoundWriter.nextGeneration(0));
        assertEquals(65534, ClockBoundWriter.nextGeneration(65532));
        assertEquals(2, ClockBoundWriter.nextGeneration(65534));
        FakeTime t = new FakeTime(0, S);
        Path p = dir.resolve("shm0");
        try (ClockBoundWriter w = ClockBoundWriter.open(p, t)) {
            w.write();
        }
        assertEquals(4, read(p).getShort(14));
        try (ClockBoundWriter w = ClockBoundWriter.open(p, t)) {
            assertEquals(6, read(p).getShort(14), "a restarted daemon never takes the generation back");
        }
        Files.writeString(p, "not a segment");
        try (ClockBoundWriter w = ClockBoundWriter.open(p, t)) {
            assertEquals(80, Files.size(p));
            assertEquals(2, read(p).getShort(14), "a foreign file is replaced");
            assertTrue(read(p).getInt(8) == 80);
        }
    }
}
