package timeslave.ref.serial;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import timeslave.time.TimeSource;

/**
 * Wraps a real line and writes down the dialogue in the fixture format {@link ScriptedLine}
 * replays: {@code > µs hex} for what the host wrote, {@code < µs hex} for what it read, µs
 * counted from the host's previous write.
 */
final class RecordingLine implements SerialLine {
    final List<String> lines = new ArrayList<>();
    private final SerialLine inner;
    private final TimeSource time;
    private long lastWriteMono;
    private boolean wrote;
    /** The host's real-time clock at the first write (the replay's clock starts there). */
    long firstWriteReal;

    RecordingLine(SerialLine inner, TimeSource time) {
        this.inner = inner;
        this.time = time;
    }

    static SerialLine.Opener opener(SerialLine.Opener inner, TimeSource time, List<RecordingLine> made) {
        return path -> {
            RecordingLine r = new RecordingLine(inner.open(path), time);
            made.add(r);
            return r;
        };
    }

    @Override
    public void flush() throws IOException {
        inner.flush();
        lines.add("flush");
    }

    @Override
    public int discardUntil(long deadlineMonoNanos) throws IOException {
        int n = inner.discardUntil(deadlineMonoNanos);
        if (n > 0) {
            lines.add("# discarded " + n + " bytes unseen");
        }
        return n;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        long now = time.monotonicNanos();
        if (!wrote) {
            firstWriteReal = time.realtimeNanos();
        }
        inner.write(bytes);
        lines.add("> " + (wrote ? (now - lastWriteMono) / 1000 : 0) + " " + HexFormat.of().formatHex(bytes));
        lastWriteMono = now;
        wrote = true;
    }

    @Override
    public int read(byte[] buf, int off, int len, long deadlineMonoNanos) throws IOException {
        int n = inner.read(buf, off, len, deadlineMonoNanos);
        if (n > 0) {
            long now = time.monotonicNanos();
            lines.add("< " + (now - lastWriteMono) / 1000 + " " + HexFormat.of().formatHex(buf, off, off + n));
        }
        return n;
    }

    @Override
    public void close() {
        inner.close();
        lines.add("close");
    }
}
