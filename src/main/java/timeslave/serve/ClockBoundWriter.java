package timeslave.serve;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import timeslave.time.ClockState;
import timeslave.time.TimeSource;

/**
 * Publishes the AWS ClockBound v2 shared-memory segment (80 bytes, native byte order) in a file
 * mapped into memory, so existing ClockBound clients and {@code timeslave.clockbound.BoundedClock}
 * read our bound: magic "AMZNCB\2\0" @0, size u32 @8, version u16 @12 (2), generation u16 @14 (odd
 * while writing, even when done, wrapping to 2), as_of s/ns @16 (CLOCK_MONOTONIC), void_after @32
 * (as_of + 1000 s), bound ns i64 @48, disruption marker u64 @56, max drift ppb u32 @64, status i32
 * @68, disruption support u8 @72. Written after every clock change and at least every
 * {@link #REFRESH_MILLIS} ms; the file is world-readable (0644).
 */
public final class ClockBoundWriter implements ClockState.Listener, AutoCloseable {
    public static final int SEGMENT_BYTES = 80;
    public static final short VERSION = 2;
    /** "AMZNCB" then 0x02 0x00, as bytes in file order. */
    static final byte[] MAGIC = {'A', 'M', 'Z', 'N', 'C', 'B', 2, 0};
    /** ClockBound's void_after: as_of + 1000 s. */
    public static final long VOID_AFTER_NANOS = 1_000_000_000_000L;
    /** How often the segment is rewritten without news, ms (ClockBound's daemon: once a second). */
    public static final long REFRESH_MILLIS = 500;
    public static final int STATUS_UNKNOWN = 0;
    public static final int STATUS_SYNCHRONIZED = 1;
    public static final int STATUS_FREE_RUNNING = 2;
    /** The clock was stepped by someone else and no new bound is had yet. */
    public static final int STATUS_DISRUPTED = 3;
    static final int OFF_GENERATION = 14;
    private static final VarHandle GENERATION = MethodHandles.byteBufferViewVarHandle(short[].class,
            ByteOrder.nativeOrder());

    private final TimeSource time;
    private final FileChannel file;
    private final MappedByteBuffer segment;
    private ClockState state = ClockState.UNKNOWN;
    private int generation;
    private ScheduledExecutorService refresher;

    private ClockBoundWriter(TimeSource time, FileChannel file, MappedByteBuffer segment, int generation) {
        this.time = time;
        this.file = file;
        this.segment = segment;
        this.generation = generation;
    }

    /** Creates (or takes over) {@code path}, mode 0644, and writes an Unknown segment. */
    public static ClockBoundWriter open(Path path, TimeSource time) throws IOException {
        FileChannel f;
        try {
            f = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no such directory " + path.toAbsolutePath().getParent(), e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new IOException("permission denied", e);
        }
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-r--r--"));
            if (f.size() != SEGMENT_BYTES) {
                f.truncate(0);
                f.write(ByteBuffer.allocate(SEGMENT_BYTES), 0);
            }
            MappedByteBuffer m = f.map(FileChannel.MapMode.READ_WRITE, 0, SEGMENT_BYTES);
            m.order(ByteOrder.nativeOrder());
            byte[] magic = new byte[MAGIC.length];
            m.get(0, magic);
            // A segment we wrote before: carry its generation on, so a reader never sees it go back.
            int gen = java.util.Arrays.equals(magic, MAGIC) ? Short.toUnsignedInt(m.getShort(OFF_GENERATION)) & ~1 : 0;
            ClockBoundWriter w = new ClockBoundWriter(time, f, m, gen);
            w.write();
            return w;
        } catch (IOException | RuntimeException e) {
            f.close();
            throw e;
        }
    }

    /** Rewrites the segment at least every {@link #REFRESH_MILLIS} ms from now on. */
    public synchronized void start() {
        refresher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clockbound-shm");
            t.setDaemon(true);
            return t;
        });
        refresher.scheduleAtFixedRate(this::write, REFRESH_MILLIS, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void clockState(ClockState s) {
        state = s;
        write();
    }

    /** The generation that follows {@code even}: +2, wrapping from 65534 to 2 (0 means never written). */
    static int nextGeneration(int even) {
        int n = even + 2;
        return n > 0xFFFF ? 2 : n;
    }

    /** Writes the segment for the current state at the current monotonic time. */
    public synchronized void write() {
        long mono = time.monotonicNanos();
        ClockState s = state;
        int status;
        long boundNanos;
        long driftPpb;
        if (s.known()) {
            status = s.synchronised() ? STATUS_SYNCHRONIZED : STATUS_FREE_RUNNING;
            boundNanos = (long) Math.min(Long.MAX_VALUE / 2, Math.ceil(s.maxErrorNanos(mono)));
            driftPpb = (long) Math.min(0xFFFF_FFFFL, Math.ceil(s.readerDriftNsPerSec(mono, VOID_AFTER_NANOS / 1e9)));
        } else {
            status = s.disrupted() ? STATUS_DISRUPTED : STATUS_UNKNOWN;
            boundNanos = 0;
            driftPpb = 0;
        }
        int next = nextGeneration(generation);
        GENERATION.setVolatile(segment, OFF_GENERATION, (short) ((next - 1) & 0xFFFF));
        VarHandle.storeStoreFence();
        segment.put(0, MAGIC);
        segment.putInt(8, SEGMENT_BYTES);
        segment.putShort(12, VERSION);
        long voidAfter = mono + VOID_AFTER_NANOS;
        segment.putLong(16, Math.floorDiv(mono, 1_000_000_000L));
        segment.putLong(24, Math.floorMod(mono, 1_000_000_000L));
        segment.putLong(32, Math.floorDiv(voidAfter, 1_000_000_000L));
        segment.putLong(40, Math.floorMod(voidAfter, 1_000_000_000L));
        segment.putLong(48, boundNanos);
        segment.putLong(56, 0);
        segment.putInt(64, (int) driftPpb);
        segment.putInt(68, status);
        segment.put(72, (byte) 0);
        GENERATION.setRelease(segment, OFF_GENERATION, (short) next);
        generation = next;
    }

    @Override
    public synchronized void close() {
        if (refresher != null) {
            refresher.shutdownNow();
        }
        try {
            file.close();
        } catch (IOException e) {
            // the mapping stays valid until it is collected; nothing else to release
        }
    }
}
