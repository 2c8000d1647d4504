package timeslave.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.time.Sample;

/** The status snapshots the main loop publishes (what timeslave-ctl, metrics and statsdir show). */
class SlaveStatusTest {
    final SlaveTest t = new SlaveTest();
    final List<Status> published = new ArrayList<>();

    Status last() {
        return published.get(published.size() - 1);
    }

    @Test
    void beforeTheFirstMeasurementNothingIsKnownAndNotSynchronised() throws Exception {
        SlaveTest.Scripted ref = t.new Scripted();
        Slave s = t.slave(Settings.defaults(), ref, new TimetrimStore.Memory(OptionalLong.empty()), 1);
        s.statusListener(published::add);
        s.run();
        Status first = published.get(0);
        assertFalse(first.synchronised());
        assertTrue(Double.isNaN(first.lastOffsetNanos()));
        assertEquals(Double.POSITIVE_INFINITY, first.errorBoundNanos());
        assertEquals("none", first.sources().get(0).state());
    }

    @Test
    void goodMeasurementsMakeItSynchronisedAndFillTheReachRegister() throws Exception {
        SlaveTest.Scripted ref = t.new Scripted();
        Slave s = t.slave(Settings.defaults().withMeasureOnly(true), ref, new TimetrimStore.Memory(OptionalLong.empty()), 12);
        s.statusListener(published::add);
        s.run();
        Status st = last();
        assertTrue(st.synchronised(), st.toString());
        assertTrue(st.measureOnly());
        assertEquals(0, st.lastOffsetNanos());
        assertTrue(Double.isFinite(st.errorBoundNanos()) && st.errorBoundNanos() > 0, st.toString());
        Status.Source src = st.sources().get(0);
        assertEquals("fake", src.name());
        assertEquals("selected", src.state());
        assertEquals(0xff, src.reach(), "8 answers in a row fill the register");
        assertEquals(200_000, src.delayNanos());
        assertEquals(st.goodMeasurements(), src.samples());
        assertEquals(0, st.failedMeasurements());
    }

    @Test
    void failuresShiftZerosInAndMakeTheMasterUnreachableAfterTwo() throws Exception {
        SlaveTest.Scripted ref = t.new Scripted();
        for (String outcome : "+++--".split("")) {
            ref.silent.add(outcome.equals("-"));
        }
        ref.silent.add(true);
        Slave s = t.slave(Settings.defaults(), ref, new TimetrimStore.Memory(OptionalLong.empty()), 7);
        s.statusListener(published::add);
        s.run();
        Status.Source afterOne = published.stream().filter(x -> x.failedMeasurements() == 1).findFirst().orElseThrow()
                .sources().get(0);
        assertEquals("failed", afterOne.state());
        assertEquals(0b1110, afterOne.reach());
        assertEquals("no reply to 4 probes", afterOne.lastFailure());
        Status st = published.stream().filter(x -> x.failedMeasurements() == 2).findFirst().orElseThrow();
        assertEquals("unreachable", st.sources().get(0).state());
        assertEquals(0b11100, st.sources().get(0).reach());
        assertFalse(st.synchronised(), "an unreachable master leaves the clock unsynchronised");
    }

    @Test
    void aRefusedSampleIsCountedByItsReason() throws Exception {
        SlaveTest.Scripted base = t.new Scripted();
        Reference ref = new Reference() {
            int n;

            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Sample measure() throws MeasurementException {
                Sample s = base.measure();
                // one 50 ms liar among steady replies: a spike for the filter
                return ++n == 12 ? new Sample("fake", s.monoNanos(), s.localNanos(), 50_000_000, s.delayNanos(),
                        s.errorNanos()) : s;
            }
        };
        Slave s = t.slave(Settings.defaults().withMeasureOnly(true), ref, new TimetrimStore.Memory(OptionalLong.empty()), 20);
        s.statusListener(published::add);
        s.run();
        long refused = last().rejected().values().stream().mapToLong(Long::longValue).sum();
        assertEquals(1, refused, last().rejected().toString());
        assertEquals(Status.REJECT_REASONS, List.copyOf(last().rejected().keySet()));
    }

    @Test
    void stepsAreCounted() throws Exception {
        SlaveTest.Scripted base = t.new Scripted();
        Reference ref = new Reference() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Sample measure() throws MeasurementException {
                Sample s = base.measure();
                long off = t.clock.writes.stream().anyMatch(w -> w.startsWith("step")) ? 0 : 2_000_000_000L;
                return new Sample("fake", s.monoNanos(), s.localNanos(), off, s.delayNanos(), s.errorNanos());
            }
        };
        Slave s = t.slave(Settings.defaults(), ref, new TimetrimStore.Memory(OptionalLong.empty()), 12);
        s.statusListener(published::add);
        s.run();
        assertEquals(1, last().steps(), t.log.lines.toString());
    }

    /** -m says what it would have done: the step, and the frequency once it is known. */
    @Test
    void measureOnlySaysItWouldStepAndWhatFrequencyItWouldSet() throws Exception {
        SlaveTest.Scripted base = t.new Scripted();
        Reference ref = new Reference() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Sample measure() throws MeasurementException {
                Sample s = base.measure();
                return new Sample("fake", s.monoNanos(), s.localNanos(), 2_600_000_000L, s.delayNanos(), s.errorNanos());
            }
        };
        Slave s = t.slave(Settings.defaults().withMeasureOnly(true).withInitDriftNsPerSec(5_000), ref,
                new TimetrimStore.Memory(OptionalLong.empty()), 30);
        s.run();
        assertTrue(t.log.lines.contains("INFO -m: would step the clock by +2.600000000 s"), t.log.lines.toString());
        assertTrue(t.log.lines.stream().anyMatch(l -> l.matches("INFO -m: would set the frequency to \\+5\\.0\\d\\d ppm \\(timetrim 50\\d\\d ns/s\\)")),
                t.log.lines.toString());
        assertEquals(java.util.List.of(), t.clock.writes, "and writes nothing");
    }

    /** A master that answers with something unusable is "failing", not "unreachable". */
    @Test
    void aMasterThatAnswersBadlyIsFailingNotUnreachable() throws Exception {
        Reference ref = new Reference() {
            @Override
            public String name() {
                return "fake";
            }

            @Override
            public Sample measure() throws MeasurementException {
                throw new MeasurementException(MeasurementException.Kind.BAD_REPLY, "date 1999-01-01 from the receiver");
            }
        };
        Slave s = t.slave(Settings.defaults().withMeasureOnly(true), ref, new TimetrimStore.Memory(OptionalLong.empty()), 5);
        s.run();
        assertTrue(t.log.lines.contains("ERR master fake failing: date 1999-01-01 from the receiver"), t.log.lines.toString());
        assertTrue(t.log.lines.stream().noneMatch(l -> l.contains("unreachable")), t.log.lines.toString());
    }
}
