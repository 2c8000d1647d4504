package timeslave.clockbound;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.function.LongSupplier;

/**
 * Error-bounded time for Java programs, read from an AWS ClockBound v2 shared-memory segment (the
 * one timeslave publishes with --clockbound-shm, or ClockBound's own daemon's): {@link #now()} gives an
 * interval that holds true time, widened by the segment's max drift times the time since it was
 * written, as ClockBound's own clients do. Needs nothing beyond the JDK.
 *
 * <p>Thread-safe: the segment is read under its seqlock (the generation at offset 14, odd while the
 * daemon writes) without locks, and {@link #read(Reading)} allocates nothing.
 *
 * <p>Segment layout (native byte order, 80 bytes): magic "AMZNCB\2\0" @0, size u32 @8, version u16 @12
 * (2), generation u16 @14, as_of (CLOCK_MONOTONIC s, ns as i64) @16, void_after @32, bound ns i64
 * @48, disruption marker u64 @56, max drift ppb u32 @64, status i32 @68, disruption support u8 @72.
 */
public final class BoundedClock implements AutoCloseable {
    public static final int SEGMENT_BYTES = 80;
    public static final int VERSION = 2;
    private static final byte[] MAGIC = {'A', 'M', 'Z', 'N', 'C', 'B', 2, 0};
    /** ClockBound's client: a Synchronized segment older than this reads as FreeRunning, ns. */
    static final long FREE_RUNNING_AFTER_NANOS = 5_000_000_000L;
    /** ClockBound's "causality blur": a reading this far before as_of is still accepted, ns. */
    static final long CAUSALITY_BLUR_NANOS = 1_000L;
    /** Spins on a segment being written before yielding the processor to the writer. */
    static final int SPINS_BEFORE_YIELD = 1_000;
    /** How long a read waits for a writer before giving up with UNKNOWN (one that died mid-write), ns. */
    static final long MAX_WAIT_NANOS = 20_000_000L;
    private static final VarHandle GENERATION = MethodHandles.byteBufferViewVarHandle(short[].class,
            ByteOrder.nativeOrder());

    private final FileChannel file;
    private final ByteBuffer segment;
    private final LongSupplier realtimeNanos;
    private final LongSupplier monotonicNanos;

    private BoundedClock(FileChannel file, ByteBuffer segment, LongSupplier realtimeNanos, LongSupplier monotonicNanos) {
        this.file = file;
        this.segment = segment;
        this.realtimeNanos = realtimeNanos;
        this.monotonicNanos = monotonicNanos;
    }

    /**
     * Maps the segment at {@code path} read-only (ClockBound's default is /var/run/clockbound/shm0).
     *
     * @throws IOException when it cannot be read, or is not a ClockBound v2 segment (the message says why)
     */
    public static BoundedClock open(Path path) throws IOException {
        return open(path, BoundedClock::systemRealtimeNanos, System::nanoTime);
    }

    /** As {@link #open(Path)}, reading the clocks from the given suppliers (for tests). */
    static BoundedClock open(Path path, LongSupplier realtimeNanos, LongSupplier monotonicNanos) throws IOException {
        FileChannel f = FileChannel.open(path, StandardOpenOption.READ);
        try {
            if (f.size() < SEGMENT_BYTES) {
                throw new IOException(path + ": " + f.size() + " bytes, a ClockBound v2 segment has " + SEGMENT_BYTES);
            }
            ByteBuffer m = f.map(FileChannel.MapMode.READ_ONLY, 0, SEGMENT_BYTES).order(ByteOrder.nativeOrder());
            for (int i = 0; i < MAGIC.length; i++) {
                if (m.get(i) != MAGIC[i]) {
                    throw new IOException(path + ": not a ClockBound v2 segment (bad magic)");
                }
            }
            if (Integer.toUnsignedLong(m.getInt(8)) < SEGMENT_BYTES) {
                throw new IOException(path + ": segment size " + Integer.toUnsignedLong(m.getInt(8)) + " < " + SEGMENT_BYTES);
            }
            if (Short.toUnsignedInt(m.getShort(12)) != VERSION) {
                throw new IOException(path + ": segment version " + Short.toUnsignedInt(m.getShort(12)) + ", want " + VERSION);
            }
            return new BoundedClock(f, m, realtimeNanos, monotonicNanos);
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    private static long systemRealtimeNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /** The interval holding true time now; UNKNOWN or DISRUPTED give Instant.MIN and Instant.MAX. */
    public Bounds now() {
        Reading r = new Reading();
        read(r);
        if (r.earliestNanos == Long.MIN_VALUE) {
            return new Bounds(Instant.MIN, Instant.MAX, r.status);
        }
        return new Bounds(instant(r.earliestNanos), instant(r.latestNanos), r.status);
    }

    /**
     * Fills {@code out} with the interval holding true time now, allocating nothing. For UNKNOWN and
     * DISRUPTED the interval is [Long.MIN_VALUE, Long.MAX_VALUE].
     */
    public void read(Reading out) {
        long asOf;
        long voidAfter;
        long bound;
        long driftPpb;
        int code;
        int tries = 0;
        long waitStart = 0;
        while (true) {
            int g1 = Short.toUnsignedInt((short) GENERATION.getAcquire(segment, 14));
            if (g1 == 0 || (g1 & 1) != 0) {
                if (g1 == 0 || gaveUp(++tries, waitStart)) {
                    unknown(out, ClockStatus.UNKNOWN);
                    return;
                }
                if (tries == SPINS_BEFORE_YIELD) {
                    waitStart = System.nanoTime();
                }
                continue;
            }
            asOf = segment.getLong(16) * 1_000_000_000L + segment.getLong(24);
            voidAfter = segment.getLong(32) * 1_000_000_000L + segment.getLong(40);
            bound = segment.getLong(48);
            driftPpb = Integer.toUnsignedLong(segment.getInt(64));
            code = segment.getInt(68);
            VarHandle.loadLoadFence();
            int g2 = Short.toUnsignedInt((short) GENERATION.getVolatile(segment, 14));
            if (g1 == g2) {
                break;
            }
            if (gaveUp(++tries, waitStart)) {
                unknown(out, ClockStatus.UNKNOWN);
                return;
            }
            if (tries == SPINS_BEFORE_YIELD) {
                waitStart = System.nanoTime();
            }
        }
        long mono = monotonicNanos.getAsLong();
        long real = realtimeNanos.getAsLong();
        ClockStatus status = ClockStatus.of(code);
        if (mono < asOf - CAUSALITY_BLUR_NANOS || mono > voidAfter) {
            status = ClockStatus.UNKNOWN;
        } else if (status == ClockStatus.SYNCHRONIZED && mono - asOf > FREE_RUNNING_AFTER_NANOS) {
            status = ClockStatus.FREE_RUNNING;
        }
        if (status == ClockStatus.UNKNOWN || status == ClockStatus.DISRUPTED) {
            unknown(out, status);
            return;
        }
        long elapsed = Math.max(0, mono - asOf);
        long width = bound + (long) Math.ceil(driftPpb * (elapsed / 1e9));
        out.earliestNanos = real - width;
        out.latestNanos = real + width;
        out.status = status;
    }

    /** Spins first, then yields to a writer that may have been preempted, until {@link #MAX_WAIT_NANOS}. */
    private static boolean gaveUp(int tries, long waitStart) {
        if (tries <= SPINS_BEFORE_YIELD) {
            Thread.onSpinWait();
            return false;
        }
        Thread.yield();
        return System.nanoTime() - waitStart > MAX_WAIT_NANOS;
    }

    private static void unknown(Reading out, ClockStatus status) {
        out.earliestNanos = Long.MIN_VALUE;
        out.latestNanos = Long.MAX_VALUE;
        out.status = status;
    }

    private static Instant instant(long posixNanos) {
        return Instant.ofEpochSecond(Math.floorDiv(posixNanos, 1_000_000_000L), Math.floorMod(posixNanos, 1_000_000_000L));
    }

    /** The earliest edge as an InstantSource (Instant.MIN while no bound is known). */
    public InstantSource earliest() {
        return () -> now().earliest();
    }

    /** The latest edge as an InstantSource (Instant.MAX while no bound is known). */
    public InstantSource latest() {
        return () -> now().latest();
    }

    /**
     * A {@link Clock} in UTC whose instant is the interval's midpoint (the local clock: the bound is
     * symmetric); where java.time wants a Clock, and {@link #now()} is at hand for the bound.
     */
    public Clock asClock() {
        return asClock(ZoneOffset.UTC);
    }

    /** As {@link #asClock()}, in {@code zone}. */
    public Clock asClock(ZoneId zone) {
        return new Clock() {
            @Override
            public ZoneId getZone() {
                return zone;
            }

            @Override
            public Clock withZone(ZoneId z) {
                return asClock(z);
            }

            @Override
            public Instant instant() {
                return BoundedClock.instant(realtimeNanos.getAsLong());
            }

            @Override
            public long millis() {
                return Math.floorDiv(realtimeNanos.getAsLong(), 1_000_000L);
            }
        };
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
