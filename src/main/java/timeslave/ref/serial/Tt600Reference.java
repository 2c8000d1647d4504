package timeslave.ref.serial;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import timeslave.time.Sample;
import timeslave.log.Log;
import timeslave.time.MeasurementException;
import timeslave.time.TimeSource;

/**
 * A TT600 (TrueTime XL-DC) GPS clock driven through timeslave's dialogue (PROTOCOLS.md §9):
 * ^C resync; F69 UTC, F02 24 h and F11 null format checked after each (re)open and set only if
 * they differ; then per measurement F68 for the year, F09 time on request, and 'T'.
 *
 * <p>Timing: the clock latches its time 9.5 bit times after the start of the 'T' (the manual's
 * "9 bits after the middle of the start bit"); the 'T' starts when it is written, so the
 * local instant is the clock read before writing plus {@link #LATCH_NANOS}.
 *
 * <p>Pairing: the protocol has no request identity, so each reply is paired with its 'T' by timing. A
 * reply complete sooner than 'T' and 20 characters take on the line (21.9 ms) belongs to an earlier
 * request, and one complete more than {@link #MAX_REPLY_LATENCY_NANOS} later than that is not this
 * request's in time: both are refused; the first, waking 'T' must be answered in full within its deadline
 * too. After any 'T' without such a reply the dialogue stops (the pairing
 * is in doubt), the line is let settle (quiet for a whole reply window and a random part of another) so
 * that a late reply is not read as a later request's, and the next dialogue starts from the ^C resync.
 * Of up to {@link #QUERIES} good replies, all must agree and the narrowest is kept ({@link #agreeing}).
 */
public final class Tt600Reference extends SerialReference {

    /** Dialogues per measurement before giving up on silence or noise. */
    static final int MAX_ATTEMPTS = 3;

    /** 9.5 bit times at 9600 baud: from the start of the 'T' to the latch. */
    static final long LATCH_NANOS = 1_000_000_000L * 19 / 2 / SerialTiming.BAUD;

    /**
     * How far the 'T' may start after our clock reading (write system call, UART idle): one
     * character time, an allowance rather than a measured figure.
     */
    static final long WRITE_UNCERTAINTY_NANOS = SerialTiming.CHAR_NANOS;

    /** 'T' plus its 20-character reply: the soonest the reply can be complete. */
    static final long REPLY_ROUND_NANOS = (1 + Tt600Codec.TIME_REPLY_LENGTH) * SerialTiming.CHAR_NANOS;

    /** Good 'T' replies per measurement; the one answered soonest is kept. */
    static final int QUERIES = 3;

    /** 'T' requests per dialogue at most, so a glitched reply costs one request, not the dialogue. */
    static final int MAX_TIME_REQUESTS = 6;

    /** The pause after the first ^C, before ^C CR. */
    static final long RESYNC_PAUSE_NANOS = 20_000_000L;

    /**
     * How much later than 'T' and 20 characters take a reply may be complete and still be this 'T''s: the
     * clock answers at once, and 20 ms covers a USB serial adapter's latency timer (16 ms by default).
     * Within it, the lateness widens the bound; beyond it, the reply is refused.
     */
    static final long MAX_REPLY_LATENCY_NANOS = 20_000_000L;

    /** How long a 'T' may take before it counts as unanswered (timeslave's deadline): the settling window after it. */
    static final long TIME_QUERY_WINDOW_NANOS = SerialTiming.replyDeadlineNanos(1, Tt600Codec.TIME_REPLY_LENGTH,
            SerialTiming.TT600_MARGIN_NANOS);

    /** Longest setting reply we accept ("F69 STANDARD\r\n" and the like). */
    static final int MAX_LINE = 32;

    private boolean configured;

    public Tt600Reference(String tty, SerialLine.Opener opener, YearRule.Context years, TimeSource time, Log log) {
        super(tty, opener, years, time, log);
    }

    @Override
    protected void opened() {
        configured = false;
    }

    @Override
    protected Sample measureOn(SerialLine line) throws IOException, MeasurementException {
        ReplyException garbage = null;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            try {
                Sample s = dialogue(line);
                if (s != null) {
                    return s;
                }
            } catch (ReplyException e) {
                if (!e.garbage) {
                    throw badReply(e);
                }
                if (garbage == null) {
                    garbage = e;
                }
                log.debug(2, "receiver " + tty + " " + e.getMessage());
            }
            configured = false;
            settle(line, TIME_QUERY_WINDOW_NANOS);
        }
        if (garbage != null) {
            throw badReply(garbage);
        }
        throw notAnswering();
    }

    /** One pass of the dialogue; null if the clock fell silent. */
    private Sample dialogue(SerialLine line) throws IOException, ReplyException {
        byte[] buf = new byte[MAX_LINE];
        if (!resync(line, buf)) {
            return null;
        }
        if (!configured) {
            for (Tt600Codec.Setting s : new Tt600Codec.Setting[] {
                    Tt600Codec.TIME_SCALE, Tt600Codec.HOUR_FORMAT, Tt600Codec.OUTPUT_FORMAT}) {
                if (!ensure(line, s, buf)) {
                    return null;
                }
            }
            configured = true;
        }
        int n = query(line, Tt600Codec.YEAR_QUERY, buf, Tt600Codec.YEAR_REPLY_LENGTH, SerialTiming.TT600_MARGIN_NANOS);
        if (n == 0) {
            return null;
        }
        int f68Year = Tt600Codec.decodeYear(buf, n);
        long yearMono = lastArrivalMono;

        line.write(Tt600Codec.TIME_ON_REQUEST);
        // The clock is slow to enter F09: the first 'T' is only to wake it; its reply is dropped. It must
        // still come in full and in time, or a late reply to it could be taken for the next 'T''s.
        long wakeMargin = SerialTiming.TT600_MARGIN_NANOS + Tt600Codec.TIME_ON_REQUEST.length * SerialTiming.CHAR_NANOS;
        int woke = query(line, Tt600Codec.TIME_REQUEST, buf, Tt600Codec.TIME_REPLY_LENGTH, wakeMargin);
        if (woke == 0) {
            return null;
        }
        if (woke < Tt600Codec.TIME_REPLY_LENGTH) {
            Tt600Codec.decodeTime(buf, woke);   // throws: truncated
        }
        checkNotTooSoon(Tt600Codec.TIME_REQUEST, buf, woke);

        List<Sample> good = new ArrayList<>();
        for (int i = 0; i < MAX_TIME_REQUESTS && good.size() < QUERIES; i++) {
            Sample s;
            try {
                s = timeQuery(line, buf, f68Year, yearMono);
            } catch (ReplyException e) {
                if (!e.garbage || good.isEmpty()) {
                    throw e;
                }
                log.debug(2, "receiver " + tty + " " + e.getMessage());
                break;   // the pairing of requests and replies is in doubt: keep what came before
            }
            if (s == null) {
                break;
            }
            good.add(s);
        }
        return good.isEmpty() ? null : agreeing(good);
    }

    /** One 'T': the sample, or null on silence. */
    private Sample timeQuery(SerialLine line, byte[] buf, int f68Year, long yearMono)
            throws IOException, ReplyException {
        int n = query(line, Tt600Codec.TIME_REQUEST, buf, Tt600Codec.TIME_REPLY_LENGTH,
                SerialTiming.TT600_MARGIN_NANOS);
        if (n == 0) {
            return null;
        }
        Tt600Codec.TimeReply t = Tt600Codec.decodeTime(buf, n);
        checkNotTooSoon(Tt600Codec.TIME_REQUEST, buf, n);
        long took = lastArrivalMono - sentMono;
        if (took > REPLY_ROUND_NANOS + MAX_REPLY_LATENCY_NANOS) {
            throw ReplyException.garbage(String.format(java.util.Locale.ROOT,
                    "reply to \"T\" complete in %.1f ms, later than a reply to it can be (%.1f ms)", took / 1e6,
                    (REPLY_ROUND_NANOS + MAX_REPLY_LATENCY_NANOS) / 1e6), buf, n);
        }
        if (t.quality() == '?') {
            throw new ReplyException("has no reference (quality '?')");
        }
        // The reply cannot be complete before 'T' + 20 characters; if it came later, the 'T' may
        // have left late by as much, and the latch with it.
        long slack = Math.max(0, lastArrivalMono - sentMono - REPLY_ROUND_NANOS);
        long latchMono = sentMono + LATCH_NANOS;
        long local = localAt(latchMono);
        int year = Tt600Codec.yearOfReading(f68Year, t.reading(), latchMono - yearMono);
        YearRule.Resolved y = YearRule.resolve(t.reading(), year, true, years, local);
        if (y.note() != null) {
            noteOnce(y.note());
        }
        if (t.reading().isLeapSecond()) {
            leapSecondOnce(t.reading(), y.year());
        }
        long error = Math.max(WRITE_UNCERTAINTY_NANOS, slack) + RESOLUTION_NANOS
                + Tt600Codec.qualityErrorNanos(t.quality());
        return new Sample(tty, latchMono, local, y.receiverNanos() - local, 0, error);
    }

    /** ^C, pause, ^C CR → "ERROR 05 NO SUCH FUNCTION": the clock is listening and in no mode. */
    private boolean resync(SerialLine line, byte[] buf) throws IOException, ReplyException {
        line.flush();
        line.write(Tt600Codec.CANCEL);
        line.discardUntil(time.monotonicNanos() + RESYNC_PAUSE_NANOS);
        int n = query(line, Tt600Codec.CANCEL_CR, buf, Tt600Codec.RESYNC_REPLY.length(),
                SerialTiming.TT600_MARGIN_NANOS);
        if (n == 0) {
            return false;
        }
        Tt600Codec.checkResync(buf, n);
        return true;
    }

    /** Queries one setting and sets it only if it differs (sparing the clock's NVRAM, as timeslave did). */
    private boolean ensure(SerialLine line, Tt600Codec.Setting s, byte[] buf) throws IOException, ReplyException {
        byte[] want = Tt600Codec.ascii(s.wanted());
        int n = queryLine(line, s.queryBytes(), buf);
        if (n == 0) {
            return false;
        }
        if (n == want.length && Arrays.equals(buf, 0, n, want, 0, n)) {
            return true;
        }
        if (n < 4 || buf[0] != 'F' || buf[n - 1] != '\n') {
            throw ReplyException.garbage("reply to " + Quote.bytes(s.queryBytes()), buf, n);
        }
        noteOnce("said \"" + Quote.bytes(buf, n) + "\" instead of \"" + Quote.bytes(want) + "\"; setting it");
        byte[] ok = Tt600Codec.ascii(Tt600Codec.OK_REPLY);
        n = queryLine(line, s.setBytes(), buf);
        if (n == 0) {
            return false;
        }
        if (n != ok.length || !Arrays.equals(buf, 0, n, ok, 0, n)) {
            throw ReplyException.garbage("reply to " + Quote.bytes(s.setBytes()), buf, n);
        }
        return true;
    }

    private int queryLine(SerialLine line, byte[] command, byte[] buf) throws IOException {
        line.flush();
        sentMono = time.monotonicNanos();
        sentReal = time.realtimeNanos();
        line.write(command);
        long deadline = sentMono + SerialTiming.replyDeadlineNanos(command.length, MAX_LINE,
                SerialTiming.TT600_MARGIN_NANOS);
        return readLine(line, buf, MAX_LINE, deadline);
    }
}
