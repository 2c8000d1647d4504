package timeslave.ref.serial;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import timeslave.time.Sample;
import timeslave.log.Log;
import timeslave.time.MeasurementException;
import timeslave.time.TimeSource;

/**
 * A PSTI or Traconex WWV receiver (-c PST_WWV, TRC_WWV, Traconix_WWV) asked with the binary
 * "QA0000" query, as IRIX timeslave asked it (PROTOCOLS.md §8.1).
 *
 * <p>Timing: the reply is correct at its last bit. That instant lies between the earliest the
 * line allows (command sent + (6 + 13) character times) and the arrival of the 13th byte (or of
 * the first byte + 12 character times, if sooner); the sample is the middle of that interval,
 * and half its width goes into the error bound. A reply complete sooner than the line allows belongs to
 * an earlier query and is refused; after a query with no complete reply the line is let settle so a late
 * reply is not read as the next one's. Of {@link #QUERIES} good replies the agreeing majority decides and
 * the one with the narrowest interval is kept ({@link #agreeing}), as OpenNTPD keeps the lowest-delay reply.
 */
public final class PstWwvReference extends SerialReference {

    /** Queries per measurement before giving up on silence or noise (timeslave: 10). */
    static final int MAX_ATTEMPTS = 10;

    /** Good replies per measurement, the best of which is kept. */
    static final int QUERIES = 3;

    /**
     * What the receiver itself may be off by, with its WWV/WWVH propagation delays set as its
     * manual asks: an assumption (no specification found), kept at one millisecond.
     */
    static final long RECEIVER_ERROR_NANOS = 1_000_000L;

    /** How long a query may take before it counts as unanswered (timeslave's deadline): the settling window after it. */
    static final long QUERY_WINDOW_NANOS = SerialTiming.replyDeadlineNanos(PstQa.COMMAND.length, PstQa.REPLY_LENGTH,
            SerialTiming.WWV_MARGIN_NANOS);

    /** Command plus reply characters: the earliest the last reply bit can end after writing. */
    static final long MIN_ROUND_NANOS = (PstQa.COMMAND.length + PstQa.REPLY_LENGTH) * SerialTiming.CHAR_NANOS;

    public PstWwvReference(String tty, SerialLine.Opener opener, YearRule.Context years, TimeSource time, Log log) {
        super(tty, opener, years, time, log);
    }

    @Override
    protected Sample measureOn(SerialLine line) throws IOException, MeasurementException {
        byte[] buf = new byte[PstQa.REPLY_LENGTH];
        ReplyException garbage = null;
        ReplyException complaint = null;
        List<Sample> good = new ArrayList<>();
        for (int attempt = 0; attempt < MAX_ATTEMPTS && good.size() < QUERIES; attempt++) {
            int n = query(line, PstQa.COMMAND, buf, PstQa.REPLY_LENGTH, SerialTiming.WWV_MARGIN_NANOS);
            if (n < PstQa.REPLY_LENGTH) {
                settle(line, QUERY_WINDOW_NANOS);
            }
            if (n == 0) {
                continue;
            }
            PstQa.Reply reply;
            try {
                reply = PstQa.decode(buf, n);
                checkNotTooSoon(PstQa.COMMAND, buf, n);
            } catch (ReplyException e) {
                log.debug(2, "receiver " + tty + " " + e.getMessage());
                if (n == PstQa.REPLY_LENGTH) {
                    settle(line, QUERY_WINDOW_NANOS);
                }
                if (e.garbage) {
                    if (garbage == null) {
                        garbage = e;
                    }
                    continue;
                }
                // A misaligned read of stale bytes can look like a status complaint: believe it twice.
                if (complaint != null && complaint.getMessage().equals(e.getMessage())) {
                    throw badReply(e);
                }
                complaint = e;
                continue;
            }
            good.add(sample(reply));
        }
        if (!good.isEmpty()) {
            try {
                return agreeing(good);
            } catch (ReplyException e) {
                throw badReply(e);
            }
        }
        if (complaint != null) {
            throw badReply(complaint);
        }
        if (garbage != null) {
            throw badReply(garbage);
        }
        throw notAnswering();
    }

    private Sample sample(PstQa.Reply reply) throws MeasurementException {
        long hi = Math.min(lastArrivalMono, firstArrivalMono + (PstQa.REPLY_LENGTH - 1) * SerialTiming.CHAR_NANOS);
        long lo = Math.min(sentMono + MIN_ROUND_NANOS, hi);
        long onTimeMono = lo + (hi - lo) / 2;
        long local = localAt(onTimeMono);
        int around = years.isForced() ? years.year() : YearRule.yearOf(local);
        int receiverYear = PstQa.nearestSwitchYear(reply.yearCode(), around);
        YearRule.Resolved y;
        try {
            y = YearRule.resolve(reply.reading(), receiverYear, false, years, local);
        } catch (ReplyException e) {
            throw badReply(e);
        }
        if (y.note() != null) {
            noteOnce(y.note());
        }
        if (reply.reading().isLeapSecond()) {
            leapSecondOnce(reply.reading(), y.year());
        }
        long error = (hi - lo) / 2 + RESOLUTION_NANOS + RECEIVER_ERROR_NANOS;
        return new Sample(tty, onTimeMono, local, y.receiverNanos() - local, 0, error);
    }
}
