package timeslave.ref.serial;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import timeslave.time.TimeSource;

/**
 * Replays a {@link Dialogue} to a reference on a virtual clock: each write must match the next
 * recorded write, and is made no sooner after the previous write than it was recorded; the recorded
 * replies then arrive at their recorded delays after it. Virtual time moves only while the reference
 * reads or pauses, or writes sooner than the recording did. Past the end of the recording the
 * receiver is silent.
 */
final class ScriptedLine implements SerialLine {

    /** The virtual clock the reference reads: real time = start + (mono − mono at start). */
    static final class FakeTime implements TimeSource {
        long mono = 1_000_000_000_000L;
        private final long realAtStart;
        private final long monoAtStart = mono;

        FakeTime(long realAtStart) {
            this.realAtStart = realAtStart;
        }

        @Override
        public long realtimeNanos() {
            return realAtStart + (mono - monoAtStart);
        }

        @Override
        public long monotonicNanos() {
            return mono;
        }

        void advanceTo(long m) {
            mono = Math.max(mono, m);
        }
    }

    private record Pending(long atMono, byte[] bytes) {
    }

    private final Deque<Dialogue.Step> script;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final FakeTime time;
    private boolean wrote;
    private long lastWriteMono;

    ScriptedLine(Dialogue d, FakeTime time) {
        this.script = new ArrayDeque<>(d.steps());
        this.time = time;
    }

    @Override
    public void flush() {
        while (!pending.isEmpty() && pending.peekFirst().atMono() <= time.mono) {
            pending.removeFirst();
        }
    }

    @Override
    public int discardUntil(long deadlineMonoNanos) {
        int n = 0;
        while (!pending.isEmpty() && pending.peekFirst().atMono() <= deadlineMonoNanos) {
            n += pending.removeFirst().bytes().length;
        }
        time.advanceTo(deadlineMonoNanos);
        return n;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        if (script.isEmpty()) {
            return;
        }
        Dialogue.Step want = script.peekFirst();
        if (!want.out() || !Arrays.equals(want.bytes(), bytes)) {
            throw new AssertionError("the reference wrote " + HexFormat.of().formatHex(bytes) + " where the recording has "
                    + (want.out() ? "> " : "< ") + HexFormat.of().formatHex(want.bytes()));
        }
        script.removeFirst();
        // The host wrote this that long after its previous write: a replay that is quicker (no JIT, no
        // scheduling) waits as long, so the recorded replies keep their place in time.
        if (wrote) {
            time.advanceTo(lastWriteMono + want.micros() * 1000L);
        }
        wrote = true;
        long writeMono = time.mono;
        lastWriteMono = writeMono;
        while (!script.isEmpty() && !script.peekFirst().out()) {
            Dialogue.Step r = script.removeFirst();
            pending.addLast(new Pending(writeMono + r.micros() * 1000L, r.bytes()));
        }
    }

    @Override
    public int read(byte[] buf, int off, int len, long deadlineMonoNanos) {
        Pending p = pending.peekFirst();
        if (p == null || p.atMono() > deadlineMonoNanos) {
            time.advanceTo(deadlineMonoNanos);
            return 0;
        }
        time.advanceTo(p.atMono());
        int n = Math.min(len, p.bytes().length);
        System.arraycopy(p.bytes(), 0, buf, off, n);
        pending.removeFirst();
        if (n < p.bytes().length) {
            pending.addFirst(new Pending(p.atMono(), Arrays.copyOfRange(p.bytes(), n, p.bytes().length)));
        }
        return n;
    }

    /** True when every recorded step was used. */
    boolean finished() {
        return script.isEmpty() && pending.isEmpty();
    }

    @Override
    public void close() {
    }
}
