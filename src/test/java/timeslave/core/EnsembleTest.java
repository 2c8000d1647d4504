package timeslave.core;

import timeslave.time.Sample;
import org.junit.jupiter.api.Test;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Several scripted references through the ensemble: selection, failover, health lines, the combined bound. */
class EnsembleTest {
    static final long US = 1_000L;

    final Fakes.Clock clock = new Fakes.Clock();
    final Fakes.Lines log = new Fakes.Lines();

    /** Replies with the next scripted offset (null: no reply) and a fixed bound; the clock moves 1 ms per reply. */
    final class Scripted implements Reference {
        final String name;
        final List<Long> offsetsNanos = new ArrayList<>();
        long boundNanos = 100 * US;
        long constantNanos;
        boolean ownHealth;
        int calls;

        Scripted(String name, long constantNanos) {
            this.name = name;
            this.constantNanos = constantNanos;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean reportsOwnHealth() {
            return ownHealth;
        }

        @Override
        public Sample measure() throws MeasurementException {
            Long off = calls < offsetsNanos.size() ? offsetsNanos.get(calls) : Long.valueOf(constantNanos);
            calls++;
            if (off == null) {
                throw new MeasurementException(MeasurementException.Kind.UNREACHABLE, "no reply to 4 probes");
            }
            clock.advanceSec(0.001);
            return new Sample(name, clock.mono, clock.realtime, off, 2 * boundNanos, boundNanos);
        }
    }

    private List<String> lines(String contains) {
        return log.lines.stream().filter(l -> l.contains(contains) && !l.startsWith("DEBUG")).toList();
    }

    private Sample measure(Ensemble e, int rounds) throws MeasurementException {
        Sample s = null;
        for (int i = 0; i < rounds; i++) {
            s = e.measure();
        }
        return s;
    }

    @Test
    void oneMemberPassesItsSampleThroughUnchanged() throws Exception {
        Scripted a = new Scripted("a", 1234);
        Ensemble e = new Ensemble(List.of(a), log);
        Sample s = e.measure();
        Sample own = new Sample("a", clock.mono, clock.realtime, 1234, 200 * US, 100 * US);
        assertEquals(own, s);
    }

    @Test
    void aBiasedMemberIsLeftOutAndCalledAFalsetickerOnce() throws Exception {
        Scripted a = new Scripted("a", 10 * US);
        Scripted b = new Scripted("b", -20 * US);
        Scripted c = new Scripted("c", 5_000 * US);
        Ensemble e = new Ensemble(List.of(a, b, c), log);
        Sample s = e.measure();
        assertEquals("a+b", s.source());
        assertTrue(s.offsetNanos() >= -20 * US && s.offsetNanos() <= 10 * US, "offset " + s.offsetNanos());
        assertTrue(lines("falseticker").isEmpty(), "one round is not yet news: " + log.lines);
        measure(e, 10);
        assertEquals(List.of("WARNING master c falseticker: offset +0.005000000 s outside the agreed "
                + "[-0.000091000, +0.000080500] s"), lines("falseticker"));
        assertFalse(e.lastRound().get(2).truechimer());
        assertTrue(e.lastRound().get(0).truechimer() && e.lastRound().get(1).truechimer());
        c.constantNanos = 0;
        measure(e, 10);
        assertEquals(List.of("NOTICE master c agrees again: offset +0.000000000 s within the agreed "
                + "[-0.000091000, +0.000080500] s"), lines("agrees again"));
        assertEquals(1, lines("falseticker").size());
    }

    @Test
    void aSilentMemberIsLeftOutAndTheOtherServesAlone() throws Exception {
        Scripted a = new Scripted("a", 30 * US);
        Scripted b = new Scripted("b", 0);
        for (int i = 0; i < 5; i++) {
            b.offsetsNanos.add(null);
        }
        Ensemble e = new Ensemble(List.of(a, b), log);
        for (int i = 0; i < 5; i++) {
            Sample s = e.measure();
            assertEquals("a", s.source());
            assertEquals(30 * US, s.offsetNanos());
            assertEquals(100 * US, s.errorNanos());
            assertEquals("no reply to 4 probes", e.lastRound().get(1).failure());
        }
        assertEquals(List.of("ERR master b unreachable: no reply to 4 probes"), lines("master b"));
        Sample s = measure(e, 3);
        assertEquals("a+b", s.source());
        assertEquals(List.of("ERR master b unreachable: no reply to 4 probes", "NOTICE master b back"), lines("master b"));
        assertTrue(lines("falseticker").isEmpty());
    }

    @Test
    void noMemberAnsweringFailsTheRound() {
        Scripted a = new Scripted("a", 0);
        Scripted b = new Scripted("b", 0);
        a.offsetsNanos.add(null);
        b.offsetsNanos.add(null);
        Ensemble e = new Ensemble(List.of(a, b), log);
        MeasurementException x = assertThrows(MeasurementException.class, e::measure);
        assertEquals(MeasurementException.Kind.UNREACHABLE, x.kind);
        assertEquals("no master answered", x.getMessage());
        assertTrue(e.reportsOwnHealth());
        assertNull(e.agreedNanos());
    }

    @Test
    void twoThatDisagreeHaveNoMajorityAndNeitherIsCalledAFalseticker() throws Exception {
        Scripted a = new Scripted("a", 0);
        Scripted b = new Scripted("b", 3_000 * US);
        Ensemble e = new Ensemble(List.of(a, b), log);
        for (int i = 0; i < 6; i++) {
            MeasurementException x = assertThrows(MeasurementException.class, e::measure);
            assertEquals(MeasurementException.Kind.BAD_REPLY, x.kind);
        }
        assertEquals(List.of("WARNING masters disagree: no majority among 2 answering: a +0.000000000 s, b +0.003000000 s"),
                lines("masters"));
        assertTrue(lines("falseticker").isEmpty());
        b.constantNanos = 50 * US;
        Sample s = e.measure();
        assertEquals("a+b", s.source());
        assertEquals(List.of("WARNING masters disagree: no majority among 2 answering: a +0.000000000 s, b +0.003000000 s",
                "NOTICE masters agree again"),
                lines("masters"));
    }

    @Test
    void aMemberThatReportsItsOwnHealthKeepsTheEnsemblesLinesAtDebug() throws Exception {
        Scripted a = new Scripted("a", 0);
        Scripted tty = new Scripted("/dev/ttyS0", 0);
        tty.ownHealth = true;
        log.level = 1;
        tty.offsetsNanos.add(null);
        tty.offsetsNanos.add(null);
        Ensemble e = new Ensemble(List.of(a, tty), log);
        measure(e, 3);
        assertTrue(lines("/dev/ttyS0").isEmpty(), log.lines.toString());
        assertTrue(log.lines.contains("DEBUG master /dev/ttyS0 unreachable: no reply to 4 probes"), log.lines.toString());
    }

    @Test
    void theCombinedBoundHoldsTheTruthWhenTheMajorityIsHonest() throws Exception {
        long seed = new SplittableRandom().nextLong();
        SplittableRandom r = new SplittableRandom(seed);
        for (int round = 0; round < 2_000; round++) {
            long truth = r.nextLong(-1_000_000, 1_000_000);
            List<Scripted> refs = new ArrayList<>();
            int n = 3 + r.nextInt(4);
            int liars = (n - 1) / 2;
            for (int i = 0; i < n; i++) {
                Scripted s = new Scripted("m" + i, 0);
                s.boundNanos = 1 + r.nextLong(500 * US);
                long err = r.nextLong(-s.boundNanos, s.boundNanos + 1);
                long lie = (r.nextBoolean() ? 1 : -1) * r.nextLong(2_000 * US, 50_000 * US);
                s.constantNanos = i < liars ? truth + lie : truth + err;
                refs.add(s);
            }
            // liars are at least 2 ms off with bounds under 0.5 ms: they never overlap an honest member
            Sample c = new Ensemble(refs, log).measure();
            assertTrue(Math.abs(c.offsetNanos() - truth) <= c.errorNanos(), "seed " + seed + " round " + round
                    + ": truth " + truth + " outside " + c);
        }
    }

    @Test
    void membersAreLimitedAndDistinct() {
        assertThrows(IllegalArgumentException.class, () -> new Ensemble(List.of(), log));
        List<Scripted> many = new ArrayList<>();
        for (int i = 0; i <= Ensemble.MAX_MEMBERS; i++) {
            many.add(new Scripted("m" + i, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> new Ensemble(many, log));
        assertThrows(IllegalArgumentException.class,
                () -> new Ensemble(List.of(new Scripted("a", 0), new Scripted("a", 0)), log));
        assertThrows(IllegalArgumentException.class, () -> new Ensemble(List.of(new Scripted("sntp:ntp1:123", 0),
                new Scripted("b", 0), new Scripted("SNTP:NTP1:123", 0)), log), "one server must not get two votes");
    }

    @Test
    void aMemberThatThrowsFailsItsPartOfTheRoundOnly() throws Exception {
        Scripted a = new Scripted("a", 0);
        Reference broken = new Reference() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public Sample measure() {
                throw new IllegalStateException("bug");
            }
        };
        Ensemble e = new Ensemble(List.of(a, broken, new Scripted("c", 0)), log);
        assertEquals(0, measure(e, 2).offsetNanos());
        assertEquals("internal error: java.lang.IllegalStateException: bug", e.lastRound().get(1).failure());
        assertEquals(List.of("ERR master broken unreachable: internal error: java.lang.IllegalStateException: bug"),
                lines("broken"));
    }
}
