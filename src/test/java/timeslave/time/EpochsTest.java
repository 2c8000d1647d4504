package timeslave.time;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class EpochsTest {
    private static final long NS = 1_000_000_000L;
    private static final long JAN_2024 = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();

    @Test
    void rfc868ExampleDecodesToNewYear2024() {
        // PROTOCOLS.md §1: E9 3C 7F 00 = 3 913 056 000 → POSIX 1 704 067 200.
        assertEquals(3_913_056_000L, 0xE93C7F00L);
        assertEquals(JAN_2024, Epochs.posixSecondsFromWire32(0xE93C7F00L, JAN_2024 + 1000));
        assertEquals(0xE93C7F00L, Epochs.wire32FromPosixSeconds(JAN_2024));
    }

    @Test
    void eraOneIsChosenNearA2040Pivot() {
        // PROTOCOLS.md §4.5: 07 54 FD 00 with a reference in 2024 → era 1 → 2040-01-01T00:00:00Z.
        long y2040 = Instant.parse("2040-01-01T00:00:00Z").getEpochSecond();
        assertEquals(y2040, Epochs.posixSecondsFromWire32(0x0754FD00L, JAN_2024));
        assertEquals(y2040 * NS, Epochs.posixNanosFromNtp64(0x0754FD00L << 32, JAN_2024 * NS));
    }

    @Test
    void eraZeroStaysBefore2036() {
        long y1999 = Instant.parse("1999-12-31T23:59:59Z").getEpochSecond();
        assertEquals(y1999, Epochs.posixSecondsFromWire32(Epochs.wire32FromPosixSeconds(y1999), JAN_2024));
    }

    @Test
    void ntpRoundTripKeepsNanosecond() {
        long t = JAN_2024 * NS + 123_456_789L;
        long ntp = Epochs.ntp64FromPosixNanos(t);
        assertEquals(0xE93C7F00L, ntp >>> 32);
        assertEquals(t, Epochs.posixNanosFromNtp64(ntp, t));
    }

    @Test
    void ntpRoundTripAcrossTheEraWrap() {
        long wrap = 2_085_978_496L; // 2036-02-07 06:28:16 UTC, start of era 1
        for (long t : new long[] {(wrap - 1) * NS + 999_999_999L, wrap * NS, wrap * NS + 1}) {
            assertEquals(t, Epochs.posixNanosFromNtp64(Epochs.ntp64FromPosixNanos(t), t + 3600 * NS));
        }
        assertEquals(0L, Epochs.ntp64FromPosixNanos(wrap * NS));
    }

    @Test
    void differenceIsSignedAndEraBlind() {
        long a = Epochs.ntp64FromPosixNanos(2_085_978_496L * NS + 5);  // just after the wrap
        long b = Epochs.ntp64FromPosixNanos(2_085_978_495L * NS);      // just before it
        assertEquals(NS + 5, Epochs.ntpDifferenceNanos(a, b));
        assertEquals(-NS - 5, Epochs.ntpDifferenceNanos(b, a));
    }

    @Test
    void shortFormatAndFraction() {
        assertEquals(152_588L, Epochs.ntpShortToNanos(10));          // 10/65536 s (§4.6)
        assertEquals(NS / 2, Epochs.fractionToNanos(0x8000_0000L));
        assertEquals(530_000_000L, Epochs.fractionToNanos(0x87AE147BL), 1.0);
    }

    @Test
    void timeOfDayWrapsAtMidnight() {
        long nearMidnight = (JAN_2024 - 1) * NS + 999_000_000L;
        assertEquals(Epochs.NANOS_PER_DAY - 1_000_000L, Epochs.nanosOfUtDay(nearMidnight));
        assertEquals(2_000_000L, Epochs.wrapHalfDayNanos(1_000_000L - (Epochs.NANOS_PER_DAY - 1_000_000L)));
        assertEquals(-Epochs.NANOS_PER_DAY / 2, Epochs.wrapHalfDayNanos(Epochs.NANOS_PER_DAY / 2));
    }

    @Test
    void theSaneWindowRunsFromTheReleaseToTheEndOfItsEra() {
        long local = Instant.parse("2026-12-06T00:00:00Z").getEpochSecond() * NS;
        assertEquals(null, Epochs.outsideSaneWindow(local + 3600 * NS, local));
        assertEquals("2025-12-31T23:59:59Z is before 2026-01-01T00:00:00Z, this release's date",
                Epochs.outsideSaneWindow(Epochs.RELEASE_POSIX_SECONDS * NS - 1, local));
        assertEquals("2036-02-07T06:28:16Z is past 2036-02-07T06:28:16Z, the end of the era this release trusts",
                Epochs.outsideSaneWindow(Epochs.RELEASE_ERA_END_POSIX_SECONDS * NS, local));
        // a clock booted at 1970 is put right: the window does not depend on it before the era end
        assertEquals(null, Epochs.outsideSaneWindow(local, 0));
        // once the local clock has passed 2036, the era nearest it is trusted instead
        long y2040 = Instant.parse("2040-01-01T00:00:00Z").getEpochSecond() * NS;
        assertEquals(null, Epochs.outsideSaneWindow(y2040 + 86_400 * NS, y2040));
    }

    @Test
    void wireSecondsAreReadInTheEraThatBeginsAtTheReleaseWhateverTheLocalClock() {
        long jan2027 = Instant.parse("2027-01-01T00:00:00Z").getEpochSecond();
        long wire = Epochs.wire32FromPosixSeconds(jan2027);
        for (long local : new long[] {0, jan2027, Instant.parse("2090-01-01T00:00:00Z").getEpochSecond()}) {
            assertEquals(jan2027, Epochs.posixSecondsFromWire32(wire, Epochs.eraPivotPosixSeconds(local)), "local " + local);
        }
    }

    @Test
    void aLocalClockDecadesAheadCannotMoveTheEra() {
        // A PC's RTC keeps a two-digit year: a dead battery or a careless "date -s" can leave it in 2099.
        // Taken as the pivot, that read an honest 2027 as 2163 (inside the window, 64 years ahead of the
        // local clock), and the daemon would have stepped there and stayed.
        long jan2027 = Instant.parse("2027-01-01T00:00:00Z").getEpochSecond();
        long wire = Epochs.wire32FromPosixSeconds(jan2027);
        for (String l : new String[] {"2094-06-01T00:00:00Z", "2099-12-31T23:59:59Z", "2150-01-01T00:00:00Z"}) {
            long local = Instant.parse(l).getEpochSecond();
            assertEquals(jan2027, Epochs.posixSecondsFromWire32(wire, Epochs.eraPivotPosixSeconds(local)), "local " + l);
            assertEquals(null, Epochs.outsideSaneWindow(jan2027 * NS, local * NS), "local " + l);
        }
        // only a local clock beyond the era the release reaches (2162) chooses the era itself
        long y2170 = Instant.parse("2170-01-01T00:00:00Z").getEpochSecond();
        assertEquals(y2170, Epochs.posixSecondsFromWire32(Epochs.wire32FromPosixSeconds(y2170),
                Epochs.eraPivotPosixSeconds(y2170)));
    }

    @Test
    void randomWireSecondsMostlyFallOutsideTheWindow() {
        // issue 9 failure 3: 4 random RFC 868 bytes were believed 5 times in 6
        java.util.SplittableRandom random = new java.util.SplittableRandom(9);
        long local = Instant.parse("2026-12-06T00:00:00Z").getEpochSecond();
        int inside = 0;
        for (int i = 0; i < 100_000; i++) {
            long s = Epochs.posixSecondsFromWire32(random.nextLong(1L << 32), Epochs.eraPivotPosixSeconds(local));
            if (Epochs.outsideSaneWindow(s * NS, local * NS) == null) {
                inside++;
            }
        }
        assertEquals(0.074, inside / 100_000.0, 0.01, "about 10 of the era's 136 years are believed");
    }

    @Test
    void sentinelsAreZeroAndAllOnes() {
        org.junit.jupiter.api.Assertions.assertTrue(Epochs.sentinelWire32(0));
        org.junit.jupiter.api.Assertions.assertTrue(Epochs.sentinelWire32(0xFFFF_FFFFL));
        org.junit.jupiter.api.Assertions.assertFalse(Epochs.sentinelWire32(0xE93C7F00L));
    }
}
