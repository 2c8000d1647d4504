package timeslave.uml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import timeslave.uml.GuestCommands.KernelState;

/**
 * Leap seconds on a real kernel: the guest's clock is set to 35 s before a midnight at which a
 * leap-seconds file made for the test inserts a second. With {@code --leap kernel} the daemon arms
 * STA_INS and the guest kernel itself repeats 23:59:59 (the oracle sees its clock go back 1 s at
 * midnight); with {@code --leap smear} nothing is armed and the oracle sees no step, only the
 * smear's −11.574 ppm. The master is unreachable (nothing listens on the guest's loopback port 9):
 * leap handling does not wait for synchronisation.
 */
class RealKernelLeapTest {
    /** 2027-01-01T00:00:00Z. */
    static final long LEAP_POSIX_SECONDS = 1_798_761_600L;
    static final String GUEST_DATE = "2026-12-31 23:59:25";
    /** Long enough to pass midnight by about 20 s even with a slow JVM start in the guest. */
    static final int RUN_SECONDS = 55;
    static final long SECOND = 1_000_000_000L;

    private static String run(String mode) {
        return GuestCommands.kernelStateLoop("kstate.log")
                + "timeout -s TERM " + RUN_SECONDS + " " + GuestCommands.timeslave() + " -B -d -H sntp:127.0.0.1:9"
                + " -r 60 -u root --syslog none --leap " + mode + " --leap-seconds leap-seconds.list > daemon.log 2>&1\n"
                + "kill $KSTATE\n";
    }

    private static List<GuestClock.Reading> boot(String mode, StringBuilder log, List<KernelState> states) throws Exception {
        List<GuestClock.Reading> readings = new ArrayList<>();
        try (UmlGuest g = UmlGuest.boot(new UmlGuest.Spec(run(mode)).date(GUEST_DATE)
                .file("leap-seconds.list", LeapFile.withInsertionAt(LEAP_POSIX_SECONDS)))) {
            Oracle.follow(g, null, readings, RUN_SECONDS + 60);
            log.append(g.read("daemon.log")).append('\n').append(g.diagnostics());
            states.addAll(GuestCommands.parse(g.read("kstate.log")));
            System.out.println("--leap " + mode + ":\n" + g.read("daemon.log"));
            states.forEach(s -> System.out.println(s.line()));
        }
        return readings;
    }

    /** Steps between successive readings beyond 1 ms: {guest time before, size} in ns (guest − host monotonic). */
    static List<long[]> steps(List<GuestClock.Reading> r) {
        List<long[]> out = new ArrayList<>();
        for (int i = 1; i < r.size(); i++) {
            long d = (r.get(i).guestRealtimeNanos() - r.get(i).hostMonoNanos())
                    - (r.get(i - 1).guestRealtimeNanos() - r.get(i - 1).hostMonoNanos());
            if (Math.abs(d) > 1_000_000) {
                out.add(new long[]{r.get(i - 1).guestRealtimeNanos(), d});
            }
        }
        return out;
    }

    @Test
    @Timeout(RUN_SECONDS + 120)
    void kernelModeArmsStaInsAndTheGuestKernelInsertsTheSecond() throws Exception {
        UmlGuest.assumeRunnable();
        StringBuilder log = new StringBuilder();
        List<KernelState> states = new ArrayList<>();
        List<GuestClock.Reading> r = boot("kernel", log, states);
        assertTrue(states.stream().anyMatch(s -> (s.status() & KernelState.STA_INS) != 0
                        && s.guestSeconds() < LEAP_POSIX_SECONDS), "STA_INS armed before midnight: " + log);
        List<long[]> steps = steps(r);
        assertEquals(1, steps.size(), "exactly one step: " + log);
        assertEquals(-SECOND, steps.get(0)[1], 1_000_000, "the kernel repeated one second: " + log);
        assertEquals(LEAP_POSIX_SECONDS * SECOND, steps.get(0)[0], 1_000_000_000L, "at midnight: " + log);
        System.out.printf("inserted: guest clock went back %d ns at guest %d ns%n", -steps.get(0)[1], steps.get(0)[0]);
    }

    @Test
    @Timeout(RUN_SECONDS + 120)
    void smearModeNeverArmsTheKernelAndTheClockNeverSteps() throws Exception {
        UmlGuest.assumeRunnable();
        StringBuilder log = new StringBuilder();
        List<KernelState> states = new ArrayList<>();
        List<GuestClock.Reading> r = boot("smear", log, states);
        assertTrue(states.stream().noneMatch(s -> (s.status() & (KernelState.STA_INS | 0x20)) != 0), "nothing armed: " + log);
        assertEquals(List.of(), steps(r).stream().map(s -> s[1]).toList(), "no step: " + log);
        assertTrue(r.get(r.size() - 1).guestRealtimeNanos() > (LEAP_POSIX_SECONDS + 10) * SECOND, "ran past midnight: " + log);
        // The guest's rate against its oscillator (the host's monotonic clock) over the last 15 s.
        GuestClock.Reading last = r.get(r.size() - 1);
        GuestClock.Reading first = r.stream().filter(x -> x.hostMonoNanos() >= last.hostMonoNanos() - 15 * SECOND)
                .findFirst().orElseThrow();
        double ppm = ((last.guestRealtimeNanos() - first.guestRealtimeNanos())
                - (last.hostMonoNanos() - first.hostMonoNanos())) * 1e6 / (last.hostMonoNanos() - first.hostMonoNanos());
        System.out.printf("smear: guest rate %+.3f ppm over the last 15 s%n", ppm);
        assertEquals(-1e6 / 86_400, ppm, 0.5, "the 24 h smear's rate: " + log);
    }
}
