package timeslave.serve;

import timeslave.time.TimeSource;

/** A settable clock pair for server tests. */
final class FakeTime implements TimeSource {
    volatile long real;
    volatile long mono;

    FakeTime(long real, long mono) {
        this.real = real;
        this.mono = mono;
    }

    void advance(long nanos) {
        real += nanos;
        mono += nanos;
    }

    @Override
    public long realtimeNanos() {
        return real;
    }

    @Override
    public long monotonicNanos() {
        return mono;
    }
}
