package timeslave.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import timeslave.ref.MeasurementException;
import timeslave.ref.Reference;
import timeslave.time.Scheduler;

/** One outage makes one "unreachable" line and one "back" line, and none when the reference reports its own health. */
class SlaveHealthLogTest {

    /** Jumps the fake clock to each deadline, as the simulator does. */
    static final class JumpingScheduler implements Scheduler {
        final Fakes.Clock clock;

        JumpingScheduler(Fakes.Clock clock) {
            this.clock = clock;
        }

        @Override
        public boolean waitUntil(long deadline) {
            if (deadline > clock.mono) {
                clock.advanceSec((deadline - clock.mono) / 1e9);
            }
            return false;
        }

        @Override
        public void wake() {
        }
    }

    /** Answers "ok" or fails as scripted, then stops the slave. */
    static final class ScriptedReference implements Reference {
        final Deque<Boolean> script = new ArrayDeque<>();
        final Fakes.Clock clock;
        final boolean ownHealth;
        Slave slave;

        ScriptedReference(Fakes.Clock clock, boolean ownHealth, String script) {
            this.clock = clock;
            this.ownHealth = ownHealth;
            for (char c : script.toCharArray()) {
                this.script.add(c == '+');
            }
        }

        @Override
        public String name() {
            return "scripted";
        }

        @Override
        public Sample measure() throws MeasurementException {
            Boolean ok = script.poll();
            if (script.isEmpty()) {
                slave.stop();
            }
            if (ok == null || !ok) {
                throw new MeasurementException(MeasurementException.Kind.UNREACHABLE, "no answer");
            }
            return new Sample("scripted", clock.mono, clock.realtime, 0, 100_000, 50_000);
        }

        @Override
        public boolean reportsOwnHealth() {
            return ownHealth;
        }
    }

    static Fakes.Lines run(boolean ownHealth, String script) throws InterruptedException {
        Fakes.Clock clock = new Fakes.Clock();
        Fakes.Lines log = new Fakes.Lines();
        ScriptedReference ref = new ScriptedReference(clock, ownHealth, script);
        ref.slave = new Slave(Settings.defaults().withMeasureOnly(true).withRateNanos(10_000_000_000L), ref, clock,
                new JumpingScheduler(clock), log, TimetrimStore.NONE);
        ref.slave.run();
        return log;
    }

    static long count(Fakes.Lines log, String prefix) {
        return log.lines.stream().filter(l -> l.startsWith(prefix)).count();
    }

    @Test
    void anOutageIsOneUnreachableLineAndOneBackLine() throws InterruptedException {
        Fakes.Lines log = run(false, "+++-----++++---++");
        assertEquals(2, count(log, "ERR master scripted unreachable: no answer"), log.lines.toString());
        assertEquals(2, count(log, "NOTICE master scripted back"), log.lines.toString());
    }

    @Test
    void oneLostMeasurementIsNotNews() throws InterruptedException {
        Fakes.Lines log = run(false, "+++-+++");
        assertEquals(0, count(log, "ERR master"), log.lines.toString());
        assertEquals(0, count(log, "NOTICE master"), log.lines.toString());
    }

    @Test
    void aReferenceThatReportsItsOwnHealthIsNotRepeated() throws InterruptedException {
        Fakes.Lines log = run(true, "+++-----++++");
        assertEquals(0, count(log, "ERR master"), log.lines.toString());
        assertEquals(0, count(log, "NOTICE master"), log.lines.toString());
    }
}
