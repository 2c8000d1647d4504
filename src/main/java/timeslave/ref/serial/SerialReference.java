package timeslave.ref.serial;

import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import timeslave.core.Sample;
import timeslave.log.Log;
import timeslave.ref.MeasurementException;
import timeslave.ref.Reference;
import timeslave.time.TimeSource;

/**
 * What every serial receiver shares: opening the tty (again after it was lost), timed queries,
 * and receiver health, logged once per failure episode ({@code receiver /dev/ttyd2 not answering})
 * and once on recovery ({@code receiver /dev/ttyd2 working again}).
 */
public abstract class SerialReference implements Reference {

    /** Receivers report milliseconds; the reading may lag the truth by up to one. */
    static final long RESOLUTION_NANOS = 1_000_000L;

    protected final String tty;
    protected final TimeSource time;
    protected final Log log;
    protected final YearRule.Context years;
    private final SerialLine.Opener opener;
    private final Set<String> notesLogged = new HashSet<>();
    private SerialLine line;
    private boolean failing;

    /** Monotonic and real-time clock read together just before the last command was written. */
    protected long sentMono;
    protected long sentReal;
    /** Monotonic time at which the last byte of the last read arrived. */
    protected long lastArrivalMono;

    protected SerialReference(String tty, SerialLine.Opener opener, YearRule.Context years, TimeSource time,
                              Log log) {
        this.tty = tty;
        this.opener = opener;
        this.years = years;
        this.time = time;
        this.log = log;
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
        return readFully(l, reply, n, deadline);
    }

    /** Reads until {@code n} bytes, or a LF when {@code toLf}, or the deadline. */
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

    /** Reads and discards input until the deadline (a pause that also swallows stray output). */
    protected void drain(SerialLine l, long deadlineMono) throws IOException {
        byte[] junk = new byte[64];
        while (time.monotonicNanos() < deadlineMono) {
            l.read(junk, 0, junk.length, deadlineMono);
        }
    }

    /** Logs a remark about the receiver once per distinct text (WARNING). */
    protected void noteOnce(String predicate) {
        if (notesLogged.add(predicate)) {
            log.warning("receiver " + tty + " " + predicate);
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
