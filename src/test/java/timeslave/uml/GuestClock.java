package timeslave.uml;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The oracle: a UML guest's CLOCK_REALTIME read from the host, without the network and without
 * writing anything, from the guest kernel's timekeeper ({@code tk_core}) in the {@code linux.uml}
 * process's memory ({@code /proc/PID/mem}, opened read-only).
 *
 * <p>The guest's clocksource ("timer") counts the host's CLOCK_MONOTONIC / 256, so at a host instant
 * the guest's time is what its {@code timekeeping_get_ns()} would compute: cycles = mono / 256,
 * ns = ((cycles − cycle_last) &amp; mask) × mult + xtime_nsec) &gt;&gt; shift, realtime = xtime_sec·10⁹ + ns.
 * A read is retried while the timekeeper's sequence count is odd or changes under it.
 *
 * <p>Where tk_core lies: the guest's kallsyms has no data symbols, but {@code ktime_get_real_seconds}
 * reads {@code tk_core.timekeeper.xtime_sec} with a {@code movabs} (bytes 48 a1 and an 8-byte
 * address); the init script writes that function's address to the scratch file {@code kallsyms}.
 * Layout (Debian's 6.1um, x86_64): tk_core = {u32 seq; pad; struct timekeeper}, tkr_mono at +8 =
 * {clock, mask +16, cycle_last +24, u32 mult +32, u32 shift +36, xtime_nsec +40, ...}, xtime_sec at +0x78.
 */
public final class GuestClock implements AutoCloseable {
    /** The timer clocksource counts host monotonic ns divided by this. */
    static final long TIMER_DIVISOR = 256;
    static final long XTIME_SEC_OFFSET = 0x78;
    static final int TK_BYTES = 0x80;
    private static final int MAX_RETRIES = 1000;

    private final RandomAccessFile mem;
    private final long tkCore;

    private GuestClock(RandomAccessFile mem, long tkCore) {
        this.mem = mem;
        this.tkCore = tkCore;
    }

    /** Waits (up to 30 s) for the guest to say where ktime_get_real_seconds is, then finds tk_core. */
    static GuestClock attach(UmlGuest guest) throws IOException, InterruptedException {
        Path syms = guest.scratch().resolve("kallsyms");
        for (int i = 0; i < 300 && (!Files.exists(syms) || Files.size(syms) == 0); i++) {
            if (!guest.alive()) {
                throw new IOException("guest ended before it wrote kallsyms: " + guest.diagnostics());
            }
            Thread.sleep(100);
        }
        String line = Files.readString(syms).strip();
        if (line.isEmpty()) {
            throw new IOException("guest never wrote kallsyms: " + guest.diagnostics());
        }
        long fn = Long.parseUnsignedLong(line.split("\\s+")[0], 16);
        RandomAccessFile mem = new RandomAccessFile("/proc/" + guest.pid() + "/mem", "r");
        try {
            byte[] code = read(mem, fn, 32);
            for (int i = 0; i + 10 <= code.length; i++) {
                if ((code[i] & 0xff) == 0x48 && (code[i + 1] & 0xff) == 0xa1) {
                    long xtimeSec = ByteBuffer.wrap(code, i + 2, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
                    return new GuestClock(mem, xtimeSec - XTIME_SEC_OFFSET);
                }
            }
            throw new IOException("no movabs xtime_sec in ktime_get_real_seconds at 0x" + Long.toHexString(fn));
        } catch (IOException e) {
            mem.close();
            throw e;
        }
    }

    private static byte[] read(RandomAccessFile mem, long address, int n) throws IOException {
        byte[] b = new byte[n];
        mem.seek(address);
        mem.readFully(b);
        return b;
    }

    /** One reading: the guest's CLOCK_REALTIME and the host's clocks at the same instant. */
    public record Reading(long guestRealtimeNanos, long hostMonoNanos, long hostRealtimeNanos) {
    }

    /**
     * Host monotonic and real time are two reads; one preemption between them (a loaded CI machine)
     * shifts the pair by its length (10 µs seen). A pair is taken between two real-time reads no
     * further apart than this, ns, or else the narrowest of the tries.
     */
    static final long PAIR_WIDTH_NANOS = 2_000;

    /** Reads the guest's clock now. */
    public Reading read() throws IOException {
        Reading best = null;
        long bestWidth = Long.MAX_VALUE;
        for (int attempt = 0; attempt < MAX_RETRIES; attempt++) {
            ByteBuffer a = ByteBuffer.wrap(read(mem, tkCore, TK_BYTES)).order(ByteOrder.LITTLE_ENDIAN);
            long real0 = hostRealtimeNanos();
            long mono = System.nanoTime();
            long real1 = hostRealtimeNanos();
            int seqAfter = ByteBuffer.wrap(read(mem, tkCore, 4)).order(ByteOrder.LITTLE_ENDIAN).getInt();
            int seq = a.getInt(0);
            if ((seq & 1) != 0 || seq != seqAfter) {
                Thread.onSpinWait();
                continue;
            }
            long mask = a.getLong(16);
            long cycleLast = a.getLong(24);
            long mult = a.getInt(32) & 0xffffffffL;
            int shift = a.getInt(36);
            long xtimeNsec = a.getLong(40);
            long xtimeSec = a.getLong((int) XTIME_SEC_OFFSET);
            long cycles = mono / TIMER_DIVISOR;
            long delta = (cycles - cycleLast) & mask;
            long ns = BigInteger.valueOf(delta).multiply(BigInteger.valueOf(mult)).add(BigInteger.valueOf(xtimeNsec))
                    .shiftRight(shift).longValue();
            long width = real1 - real0;
            if (width < bestWidth) {
                best = new Reading(xtimeSec * 1_000_000_000L + ns, mono, real0 + width / 2);
                bestWidth = width;
            }
            if (width <= PAIR_WIDTH_NANOS) {
                break;
            }
        }
        if (best == null) {
            throw new IOException("the guest's timekeeper kept changing under " + MAX_RETRIES + " reads");
        }
        return best;
    }

    /** The host's CLOCK_REALTIME (read only, as every test does). */
    private static final timeslave.os.SystemTime HOST = new timeslave.os.SystemTime();

    static long hostRealtimeNanos() {
        return HOST.realtimeNanos();
    }

    @Override
    public void close() {
        try {
            mem.close();
        } catch (IOException ignored) {
            // read-only handle
        }
    }
}
