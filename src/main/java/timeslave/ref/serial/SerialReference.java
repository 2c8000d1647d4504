package timeslave.ref.serial;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import timeslave.time.Sample;
import timeslave.log.Log;
import timeslave.log.Priority;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.ref.ReferenceConfig;
import timeslave.time.TimeSource;

/**
 * What every serial receiver shares: opening the tty (again after it was lost), timed queries,
 * and receiver health, logged once per failure episode ({@code receiver /dev/ttyd2 not answering})
 * and once on recovery ({@code receiver /dev/ttyd2 working again}).
 */
public abstract class SerialReference implements Reference {

    /** Silence that marks the end of whatever the receiver was sending: 5 character times. */
    static final long QUIET_NANOS = 5 * SerialTiming.CHAR_NANOS;
    /** A receiver that keeps talking longer than this is not waited for. */
    static final long MAX_QUIET_WAIT_NANOS = 200_000_000L;

    /** Receivers report milliseconds; the reading may lag the truth by up to one. */
    static final long RESOLUTION_NANOS = 1_000_000L;

    /** Longest settling wait after an unanswered query (a receiver that keeps talking is not waited for longer). */
    static final long MAX_SETTLE_NANOS = 500_000_000L;

    /**
     * How much the replies of one measurement may differ beyond their bounds per ns between them: 1 %,
     * the largest drift -D allows by default, so a local clock slewing or drifting fast is not called a liar.
     */
    static final long AGREEMENT_DRIFT_DIVISOR = 100;

    protected final String tty;
    protected final TimeSource time;
    protected final Log log;
    protected final YearRule.Context years;
    private final SerialLine.Opener opener;
    private final Set<String> notesLogged = new HashSet<>();
    /** The random part of {@link #settle}: fixed per tty, so replays and tests repeat; no receiver can see it. */
    private final java.util.SplittableRandom settleRandom;
    private SerialLine line;
    private boolean failing;

    /** Monotonic and real-time clock read together just before the last command was written. */
    protected long sentMono;
    protected long sentReal;
    /** Monotonic times at which the first and the last byte of the last read arrived. */
    protected long firstArrivalMono;
    protected long lastArrivalMono;

    protected SerialReference(String tty, SerialLine.Opener opener, YearRule.Context years, TimeSource time,
                              Log log) {
        this.tty = tty;
        this.opener = opener;
        this.years = years;
        this.time = time;
        this.log = log;
        this.settleRandom = new java.util.SplittableRandom(tty.hashCode());
    }

    /**
     * The reference for -C {@code tty} -c {@code config.clockType()}; the port is opened at the
     * first measurement (and again after it is lost).
     *
     * @throws MeasurementException (LOCAL) if the clock type names no receiver we know
     */
    public static SerialReference create(String tty, ReferenceConfig config, TimeSource time, Log log)
            throws MeasurementException {
        ReceiverType type = ReceiverType.parse(config.clockType()).orElseThrow(() -> new MeasurementException(
                MeasurementException.Kind.LOCAL,
                "unknown receiver type \"" + config.clockType() + "\": use PST_WWV, TRC_WWV or TT600"));
        SerialLine.Opener opener = JSerialCommLine.opener(time);
        YearRule.Context years = new YearRule.Context(config.forcedYear());
        return type.isWwv() ? new PstWwvReference(tty, opener, years, time, log)
                : new Tt600Reference(tty, opener, years, time, log);
    }

    @Override
    public String name() {
        return tty;
    }

    @Override
    public final Sample measure() throws MeasurementException {
        try {
            if (line == null) {
                try {
                    line = opener.open(tty);
                } catch (IOException e) {
                    throw new MeasurementException(MeasurementException.Kind.LOCAL,
                            "receiver " + tty + " cannot be opened: " + e.getMessage(), e);
                }
                opened();
            }
            Sample s;
            try {
                s = measureOn(line);
            } catch (IOException e) {
                throw new MeasurementException(MeasurementException.Kind.LOCAL,
                        "receiver " + tty + " lost: " + e.getMessage(), e);
            }
            if (failing) {
                failing = false;
                log.notice("receiver " + tty + " working again");
            }
            return s;
        } catch (MeasurementException e) {
            if (e.kind != MeasurementException.Kind.BAD_REPLY) {
                // A silent or vanished tty may come back as a different device behind the same path.
                closeLine();
            }
            if (!failing) {
                failing = true;
                log.err(e.getMessage());
            } else {
                log.debug(1, e.getMessage());
            }
            throw e;
        }
    }

    /** Serial receivers log each failure episode once and its end ("working again") themselves. */
    @Override
    public boolean reportsOwnHealth() {
        return true;
    }

    /** One measurement on an open line; IOException means the line is gone. */
    protected abstract Sample measureOn(SerialLine line) throws IOException, MeasurementException;

    /** Called after the tty was (re)opened, before the first measurement on it. */
    protected void opened() {
    }

    /** Flushes, stamps the clocks, writes {@code command}, reads {@code n} bytes by the deadline. */
    protected int query(SerialLine l, byte[] command, byte[] reply, int n, long marginNanos) throws IOException {
        l.flush();
        sentMono = time.monotonicNanos();
        sentReal = time.realtimeNanos();
        l.write(command);
        long deadline = sentMono + SerialTiming.replyDeadlineNanos(command.length, n, marginNanos);
        int got = readFully(l, reply, n, deadline);
        if (log.debugLevel() >= 3) {
            log.debug(3, String.format("receiver %s answered \"%s\" to \"%s\" in %.1f ms", tty, Quote.bytes(reply, got),
                    Quote.bytes(command), got == 0 ? 0.0 : (lastArrivalMono - sentMono) / 1e6));
        }
        return got;
    }

    /** Reads until {@code n} bytes have come or the deadline has passed; returns how many came. */
    protected int readFully(SerialLine l, byte[] buf, int n, long deadlineMono) throws IOException {
        return read(l, buf, n, deadlineMono, false);
    }

    /** Reads one CR LF line of at most {@code max} bytes by the deadline. */
    protected int readLine(SerialLine l, byte[] buf, int max, long deadlineMono) throws IOException {
        return read(l, buf, max, deadlineMono, true);
    }

    private int read(SerialLine l, byte[] buf, int n, long deadlineMono, boolean toLf) throws IOException {
        int got = 0;
        while (got < n) {
            int r = l.read(buf, got, n - got, deadlineMono);
            if (r > 0) {
                lastArrivalMono = time.monotonicNanos();
                if (got == 0) {
                    firstArrivalMono = lastArrivalMono;
                }
                got += r;
                if (toLf && buf[got - 1] == '\n') {
                    break;
                }
            } else if (time.monotonicNanos() >= deadlineMono) {
                break;
            }
        }
        return got;
    }

    /**
     * After a failed query: waits until the line has been quiet for {@link #QUIET_NANOS} (at most
     * {@link #MAX_QUIET_WAIT_NANOS}), so a late or long reply is not read as the next one.
     */
    protected void resynchronise(SerialLine l) throws IOException {
        long end = time.monotonicNanos() + MAX_QUIET_WAIT_NANOS;
        while (l.discardUntil(Math.min(end, time.monotonicNanos() + QUIET_NANOS)) > 0
                && time.monotonicNanos() < end) {
            // keep discarding
        }
    }

    /**
     * After a query that got no complete reply: waits until the line has been quiet for a whole reply
     * window ({@code windowNanos}, the query's own deadline) plus a random part of one more, at most
     * {@link #MAX_SETTLE_NANOS}. A reply that comes late is swallowed here rather than read as the next
     * query's; the random part keeps a receiver that is later still from lining its stale replies up
     * with our requests at a fixed distance (such replies then disagree, see {@link #agreeing}).
     */
    protected void settle(SerialLine l, long windowNanos) throws IOException {
        long quiet = windowNanos + settleRandom.nextLong(windowNanos + 1);
        long end = time.monotonicNanos() + MAX_SETTLE_NANOS;
        while (l.discardUntil(Math.min(end, time.monotonicNanos() + quiet)) > 0 && time.monotonicNanos() < end) {
            // keep discarding
        }
    }

    /**
     * Refuses a reply that came sooner than the line allows for this command (it belongs to an earlier
     * request): its first byte cannot be complete before the command and one character have crossed the
     * line, its last before the command and the whole reply have.
     *
     * @throws ReplyException (garbage) "reply to ... sooner than the line allows"
     */
    protected void checkNotTooSoon(byte[] command, byte[] reply, int replyChars) throws ReplyException {
        long first = firstArrivalMono - sentMono;
        long last = lastArrivalMono - sentMono;
        long minFirst = (command.length + 1L) * SerialTiming.CHAR_NANOS;
        long minLast = (long) (command.length + replyChars) * SerialTiming.CHAR_NANOS;
        if (first < minFirst || last < minLast) {
            throw ReplyException.garbage(String.format(java.util.Locale.ROOT,
                    "reply to \"%s\" complete in %.1f ms, sooner than the line allows (%.1f ms at %d baud)",
                    Quote.bytes(command), last / 1e6, minLast / 1e6, SerialTiming.BAUD), reply, replyChars);
        }
    }

    /**
     * The sample of a measurement's good replies, never decided by one of them: each is an interval
     * offset ± error (widened by 1 % of the time between the replies), they must all share a point
     * ({@link timeslave.ref.Agreement}), and the narrowest is kept.
     *
     * @throws ReplyException (not garbage) "replies disagree beyond their bounds: ..."
     */
    protected static Sample agreeing(java.util.List<Sample> good) throws ReplyException {
        int n = good.size();
        long first = good.stream().mapToLong(Sample::monoNanos).min().orElseThrow();
        long last = good.stream().mapToLong(Sample::monoNanos).max().orElseThrow();
        long drift = (last - first) / AGREEMENT_DRIFT_DIVISOR;
        long[] offsets = new long[n];
        long[] errors = new long[n];
        for (int i = 0; i < n; i++) {
            offsets[i] = good.get(i).offsetNanos();
            errors[i] = good.get(i).errorNanos() + drift;
        }
        boolean[] agree = timeslave.ref.Agreement.largestAgreeingSet(offsets, errors);
        int agreeing = timeslave.ref.Agreement.count(agree);
        if (agreeing < n) {
            throw new ReplyException(String.format(java.util.Locale.ROOT,
                    "replies disagree beyond their bounds: only %d of %d agree (offsets %+.6f to %+.6f s)", agreeing, n,
                    java.util.Arrays.stream(offsets).min().orElseThrow() / 1e9,
                    java.util.Arrays.stream(offsets).max().orElseThrow() / 1e9));
        }
        Sample best = null;
        for (int i = 0; i < n; i++) {
            if (best == null || good.get(i).errorNanos() < best.errorNanos()) {
                best = good.get(i);
            }
        }
        return best;
    }

    /** Logs a remark about the receiver once per distinct text (WARNING). */
    protected void noteOnce(String predicate) {
        once(Priority.WARNING, predicate);
    }

    /** Logs that the receiver shows an inserted leap second, once per leap second (NOTICE). */
    protected void leapSecondOnce(ReceiverReading r, int year) {
        once(Priority.NOTICE, String.format("reports leap second 23:59:60 of day %03d of %d", r.dayOfYear(), year));
    }

    private void once(Priority p, String predicate) {
        if (notesLogged.add(predicate)) {
            log.log(p, "receiver " + tty + " " + predicate);
        } else {
            log.debug(2, "receiver " + tty + " " + predicate);
        }
    }

    /** A failure in the receiver's own words: no retry helps. */
    protected MeasurementException badReply(ReplyException e) {
        return new MeasurementException(MeasurementException.Kind.BAD_REPLY, "receiver " + tty + " " + e.getMessage(),
                e);
    }

    protected MeasurementException notAnswering() {
        return new MeasurementException(MeasurementException.Kind.UNREACHABLE, "receiver " + tty + " not answering");
    }

    /** The local real time at monotonic instant {@code mono}, through the pair read before sending. */
    protected long localAt(long mono) {
        return sentReal + (mono - sentMono);
    }

    private void closeLine() {
        if (line != null) {
            line.close();
            line = null;
        }
    }

    @Override
    public void close() {
        closeLine();
    }
}
