package timeslave.core;

import timeslave.log.Log;
import timeslave.log.Priority;
import timeslave.time.ClockException;
import timeslave.time.SystemClock;

import java.util.ArrayList;
import java.util.List;

/** Hand-written fakes for the core's tests: a clock that records what it is told, and a log that keeps lines. */
final class Fakes {
    private Fakes() {
    }

    /** A clock frozen at a settable time that records every write. */
    static final class Clock implements SystemClock {
        long mono = 1_000_000_000_000L;
        long realtime = 1_780_000_000_000_000_000L;
        double frequency;
        final List<String> writes = new ArrayList<>();
        /** Every step as {monotonic time, step}, ns. */
        final List<long[]> steps = new ArrayList<>();
        /** Declares realtime − monotonic moved by steps alone (true of this fake unless a test applies frequency). */
        boolean stepsAlone;

        @Override
        public boolean stepsAloneMoveRealtimeAgainstMonotonic() {
            return stepsAlone;
        }

        @Override
        public long realtimeNanos() {
            return realtime;
        }

        @Override
        public long monotonicNanos() {
            return mono;
        }

        @Override
        public void step(long offsetNanos) {
            writes.add("step " + offsetNanos);
            steps.add(new long[] {mono, offsetNanos});
            realtime += offsetNanos;
        }

        @Override
        public void slew(long offsetNanos) {
            writes.add("slew " + offsetNanos);
        }

        @Override
        public void setFrequency(double nsPerSec) {
            writes.add("frequency " + Math.round(nsPerSec));
            frequency = nsPerSec;
        }

        @Override
        public double frequency() {
            return frequency;
        }

        @Override
        public void setErrorEstimates(long maxErrorNanos, long estErrorNanos, boolean synchronised) {
            writes.add("errors " + maxErrorNanos + " " + estErrorNanos + " " + synchronised);
        }

        /** How many more times setLeap fails (as a kernel without CAP_SYS_TIME would) before it works. */
        int leapRefusals;

        @Override
        public void setLeap(Leap leap) throws ClockException {
            if (leapRefusals > 0) {
                leapRefusals--;
                throw new ClockException("clock_adjtime(ADJ_STATUS): EPERM (Operation not permitted)");
            }
            writes.add("leap " + leap);
        }

        void advanceSec(double s) {
            mono += Math.round(s * 1e9);
            realtime += Math.round(s * 1e9);
        }
    }

    /** A log that keeps every line as "PRIORITY message". */
    static final class Lines implements Log {
        final List<String> lines = new ArrayList<>();
        int level;

        @Override
        public void log(Priority priority, String message) {
            lines.add(priority + " " + message);
        }

        @Override
        public int debugLevel() {
            return level;
        }
    }

    /** Records clock changes as "mono df step". */
    static final class Changes implements ClockChangeListener {
        final List<double[]> changes = new ArrayList<>();

        @Override
        public void clockChanged(long monoNanos, double frequencyDeltaNsPerSec, long stepNanos) {
            changes.add(new double[] {monoNanos, frequencyDeltaNsPerSec, stepNanos});
        }

        double totalFrequencyDelta() {
            return changes.stream().mapToDouble(c -> c[1]).sum();
        }
    }
}
