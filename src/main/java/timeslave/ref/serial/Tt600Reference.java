package timeslave.ref.serial;

import java.io.IOException;
import java.util.Arrays;
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
 * local instant is the clock read before writing plus {@link #LATCH_NANOS}. Of {@link #QUERIES}
 * requests, the one whose reply came soonest after the line allows is kept.
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
            resynchronise(line);
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
        // The clock is slow to enter F09: the first 'T' is only to wake it; its reply is dropped.
        query(line, Tt600Codec.TIME_REQUEST, buf, Tt600Codec.TIME_REPLY_LENGTH,
                SerialTiming.TT600_MARGIN_NANOS + Tt600Codec.TIME_ON_REQUEST.length * SerialTiming.CHAR_NANOS);

        Sample best = null;
        ReplyException garbage = null;
        int good = 0;
        for (int i = 0; i < MAX_TIME_REQUESTS && good < QUERIES; i++) {
            Sample s;
            try {
                s = timeQuery(line, buf, f68Year, yearMono);
            } catch (ReplyException e) {
                if (!e.garbage) {
                    throw e;
                }
                if (garbage == null) {
                    garbage = e;
                }
                log.debug(2, "receiver " + tty + " " + e.getMessage());
                resynchronise(line);
                continue;
            }
            if (s == null) {
                continue;
            }
            good++;
            if (best == null || s.errorNanos() < best.errorNanos()) {
                best = s;
            }
        }
        if (best == null && garbage != null) {
            throw garbage;
        }
        return best;
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
