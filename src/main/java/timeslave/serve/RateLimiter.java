package timeslave.serve;

/**
 * Per-client token buckets (chrony's {@code ratelimit}): each client address earns
 * {@code perSecond} requests a second up to {@code burst} banked; a request without a token is not
 * answered. Bounded memory: a fixed direct-mapped table of {@value #SLOTS} clients, where a new
 * client takes over the slot of an old one (which then starts again with a full bucket). Pure
 * (monotonic time is passed in); thread-safe (a socket's serving threads share one).
 */
public final class RateLimiter {
    /** Clients tracked at once (about 160 KiB); more only makes the limit more lenient, never stricter. */
    static final int SLOTS = 4096;
    /** Least time between two KoD RATE replies to one client, ns: the KoD itself must not become a flood. */
    static final long KOD_INTERVAL_NANOS = 2_000_000_000L;

    private final double perSecond;
    private final double burst;
    private final long[] keys = new long[SLOTS];
    private final boolean[] used = new boolean[SLOTS];
    private final double[] tokens = new double[SLOTS];
    private final long[] lastMono = new long[SLOTS];
    private final long[] lastKodMono = new long[SLOTS];
    private final boolean[] kodSent = new boolean[SLOTS];

    /**
     * @param perSecond requests a second each client earns; 0 or less turns the limit off
     * @param burst     most requests a client can bank (at least 1)
     */
    public RateLimiter(double perSecond, int burst) {
        this.perSecond = perSecond;
        this.burst = Math.max(1, burst);
    }

    /** The limiter that lets everything through. */
    public static RateLimiter off() {
        return new RateLimiter(0, 1);
    }

    public boolean enabled() {
        return perSecond > 0;
    }

    /** Whether client {@code key} may have a reply at {@code monoNanos} (and takes its token if so). */
    public boolean allow(long key, long monoNanos) {
        return perSecond <= 0 || take(key, monoNanos);
    }

    private synchronized boolean take(long key, long monoNanos) {
        int i = slot(key);
        if (!used[i] || keys[i] != key) {
            used[i] = true;
            keys[i] = key;
            tokens[i] = burst;
            lastMono[i] = monoNanos;
            kodSent[i] = false;
        }
        double earned = Math.max(0, monoNanos - lastMono[i]) / 1e9 * perSecond;
        tokens[i] = Math.min(burst, tokens[i] + earned);
        lastMono[i] = monoNanos;
        if (tokens[i] >= 1) {
            tokens[i] -= 1;
            return true;
        }
        return false;
    }

    /** For a client just refused: whether it may be sent a KoD RATE now (at most one per {@link #KOD_INTERVAL_NANOS}). */
    public synchronized boolean kissAllowed(long key, long monoNanos) {
        int i = slot(key);
        if (!used[i] || keys[i] != key) {
            return false;
        }
        if (kodSent[i] && monoNanos - lastKodMono[i] < KOD_INTERVAL_NANOS) {
            return false;
        }
        kodSent[i] = true;
        lastKodMono[i] = monoNanos;
        return true;
    }

    private static int slot(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h >>> 52) & (SLOTS - 1);
    }
}
