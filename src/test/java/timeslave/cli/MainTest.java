package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.log.Log;
import timeslave.time.Sample;
import timeslave.core.TimetrimStore;
import timeslave.os.Privileges;
import timeslave.os.SyslogLog;
import timeslave.os.LinuxClock;
import timeslave.os.SystemTime;
import timeslave.os.Timex;
import timeslave.os.TimexCall;
import timeslave.os.ThreadScheduler;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.ref.ReferenceConfig;
import timeslave.time.ClockException;
import timeslave.time.Scheduler;
import timeslave.time.SystemClock;
import timeslave.time.TimeSource;

class MainTest {
    @TempDir
    Path dir;

    /** Hand-written stand-in for the machine: records what the daemon asked for. */
    final class FakePlatform implements Platform {
        final SystemTime time = new SystemTime();
        final List<String> syslog = Collections.synchronizedList(new ArrayList<>());
        final Map<String, Runnable> signals = new ConcurrentHashMap<>();
        final FakeClock clock = new FakeClock();
        /** When set, the daemon gets this clock instead (a real LinuxClock over a mocked binding). */
        SystemClock clockOverride;
        final CountDownLatch measured = new CountDownLatch(1);
        ReferenceConfig config;
        MeasurementException openFailure;
        MeasurementException measureFailure;
        RuntimeException measureBug;
        boolean priorityRaised;
        volatile boolean stdioClosed;
        boolean closed;
        /** Offsets (ns) of the members of several masters, by spec; a missing spec does not answer. */
        final Map<String, Long> memberOffsets = new ConcurrentHashMap<>();
        final List<String> membersClosed = Collections.synchronizedList(new ArrayList<>());
        String memberOpenFailure;
        TimetrimStore timetrim;
        /** The offset the one master measures, ns. */
        long onceOffsetNanos = 2_500_123;
        /** ops12: what was told to the service manager (sd_notify). */
        final List<String> notified = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void notifyServiceManager(String state, SyslogLog log) {
            notified.add(state);
        }

        @Override
        public OptionsParser parser() {
            return new OptionsParser(dir.resolve("none.options"), n -> OptionalInt.of(37), dir);
        }

        @Override
        public TimeSource time() {
            return time;
        }

        @Override
        public Scheduler scheduler(TimeSource t) {
            return new ThreadScheduler(t);
        }

        @Override
        public SyslogLog log(Options o, PrintStream stderr) {
            return new SyslogLog((p, m) -> syslog.add(p + " " + m), o.foreground() ? stderr : null, o.debugLevel());
        }

        @Override
        public SystemClock clock(Options o, SyslogLog log) {
            return clockOverride != null ? clockOverride : clock;
        }

        @Override
        public TimetrimStore timetrim(Options o, SyslogLog log) {
            timetrim = new TimetrimStore() {
                @Override
                public OptionalLong load() {
                    return OptionalLong.empty();
                }

                @Override
                public boolean save(long t) {
                    return true;
                }
            };
            return timetrim;
        }

        @Override
        public OptionalInt timetrimYear(Options o, SyslogLog log) {
            return OptionalInt.of(2024);
        }

        @Override
        public Reference reference(Options o, ReferenceConfig c, TimeSource t, Log log)
                throws MeasurementException {
            config = c;
            if (openFailure != null) {
                throw openFailure;
            }
            return new Reference() {
                @Override
                public String name() {
                    return "fake:" + o.master();
                }

                @Override
                public Sample measure() throws MeasurementException {
                    measured.countDown();
                    if (measureFailure != null) {
                        throw measureFailure;
                    }
                    if (measureBug != null) {
                        throw measureBug;
                    }
                    return new Sample(name(), t.monotonicNanos(), t.realtimeNanos(), onceOffsetNanos, 312_000, 160_000);
                }

                @Override
                public void close() {
                    closed = true;
                }
            };
        }

        @Override
        public Reference reference(Options.Master m, ReferenceConfig c, TimeSource t, Log log)
                throws MeasurementException {
            config = c;
            if (m.spec().equals(memberOpenFailure)) {
                throw new MeasurementException(MeasurementException.Kind.UNREACHABLE, "cannot resolve " + m.spec());
            }
            return new Reference() {
                @Override
                public String name() {
                    return "fake:" + m.spec();
                }

                @Override
                public Sample measure() throws MeasurementException {
                    measured.countDown();
                    Long off = memberOffsets.get(m.spec());
                    if (off == null) {
                        throw new MeasurementException(MeasurementException.Kind.UNREACHABLE, "no reply in 4 s");
                    }
                    return new Sample(name(), t.monotonicNanos(), t.realtimeNanos(), off, 312_000, 160_000);
                }

                @Override
                public void close() {
                    membersClosed.add(m.spec());
                }
            };
        }

        @Override
        public void onSignal(String name, Runnable handler) {
            signals.put(name, handler);
        }

        @Override
        public void stdioToDevNull() {
            stdioClosed = true;
        }

        @Override
        public void raisePriority(SyslogLog log) {
            priorityRaised = true;
        }

        boolean startupPagesReleased;

        @Override
        public void releaseStartupPages(SyslogLog log) {
            startupPagesReleased = true;
        }

        // least privilege (-u)
        Privileges.Account becomeAccount;
        Privileges.NoSuchUser planUnknown;
        Privileges.Failure dropFailure;
        final List<String> privilegeCalls = Collections.synchronizedList(new ArrayList<>());

        @Override
        public Optional<Privileges.Account> privilegePlan(Options o, SyslogLog log) throws Privileges.NoSuchUser {
            privilegeCalls.add("plan " + o.user().orElse("(default)"));
            if (planUnknown != null) {
                throw planUnknown;
            }
            return Optional.ofNullable(becomeAccount);
        }

        @Override
        public void dropPrivileges(Options o, Privileges.Account a, SyslogLog log) throws Privileges.Failure {
            privilegeCalls.add("drop " + a.name() + ", reference open: " + (config != null) + ", measured: "
                    + (measured.getCount() == 0));
            if (dropFailure != null) {
                throw dropFailure;
            }
        }
    }

    /** A clock that records writes and never touches the machine. */
    static final class FakeClock implements SystemClock {
        final List<Long> steps = Collections.synchronizedList(new ArrayList<>());
        ClockException refuse;
        /** What the clock reads, ns since 1970 (2023-11-14 unless a test sets it). */
        volatile long realtimeNanos = 1_700_000_000_000_000_000L;

        @Override
        public long realtimeNanos() {
            return realtimeNanos;
        }

        @Override
        public long monotonicNanos() {
            return System.nanoTime();
        }

        @Override
        public void step(long offsetNanos) throws ClockException {
            if (refuse != null) {
                throw refuse;
            }
            steps.add(offsetNanos);
        }

        @Override
        public void slew(long offsetNanos) {
        }

        @Override
        public void setFrequency(double nsPerSec) {
        }

        @Override
        public double frequency() {
            return 0;
        }

        @Override
        public void setErrorEstimates(long maxErrorNanos, long estErrorNanos, boolean synchronised) {
        }

        @Override
        public void setLeap(Leap leap) {
        }
    }

    private final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    private int run(FakePlatform p, String... args) {
        return Main.run(Arrays.asList(args), out, err, p);
    }

    private String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void helpListsEveryOptionOfTheManualWithItsDefault() {
        assertEquals(0, run(new FakePlatform(), "--help"));
        String help = out();
        for (String opt : List.of("-H netmaster", "-C tty", "-c clock-type", "-P param-file", "-m ", "-d ", "-B ",
                "-q ", "-w icmp-wait", "-W time-wait", "-t min-trials", "-T max-trials", "-r rate", "-p port",
                "-D max-drift", "-i init-drift", "-y year", "-Y ", "--once", "--set", "--simulate", "--options FILE",
                "--syslog PATH", "--step-threshold SECONDS", "--leap-seconds FILE", "--leap MODE", "--max-rate DURATION",
                "--panic SECONDS", "--force",
                "--help", "--version")) {
            assertTrue(help.contains("  " + opt), "--help lacks " + opt + ":\n" + help);
        }
        for (String dflt : List.of("[PST_WWV]", "[1]", "[4]", "[210]", "[10000000]", "[0]", "[0.128]",
                "[/dev/log]", "[/etc/config/timeslave.options]", "[4, or max-trials/4]", "[16, or min-trials*4]",
                "[\"time\" in /etc/services, else 37]", "[kernel]", "[none: -r randomised]")) {
            assertTrue(help.contains(dflt), "--help lacks the default " + dflt);
        }
        assertTrue(help.contains("leap-seconds.list for --leap and TAI references"),
                "--leap-seconds serves --leap too, as the manual says:\n" + help);
        assertFalse(help.contains("--detached"), "the launcher's hidden option is not listed");
        assertEquals("", err());
    }

    @Test
    void versionPrintsOneLine() {
        assertEquals(0, run(new FakePlatform(), "--version"));
        assertTrue(out().matches("timeslave \\S.*\n"), out());
    }

    @Test
    void badOptionGivesOneErrorThenUsageAndStatus2() {
        assertEquals(2, run(new FakePlatform(), "-H", "m", "-r", "3"));
        String[] lines = err().split("\n");
        assertEquals("timeslave: -r 3: rate must be from 5 to 86400 seconds", lines[0]);
        assertTrue(lines[1].startsWith("usage: timeslave "), lines[1]);
        assertEquals("", out());
    }

    /** Issue 9, failure 7: an options file that hung the daemon, exhausted its heap or gave a stack trace and 1. */
    @Test
    void aHostileOptionsFileIsOneLineAndStatus2() throws Exception {
        Path nul = java.nio.file.Files.writeString(dir.resolve("nul.options"), "-H m -P /var/lib/a\u0000b\n");
        assertEquals(2, run(new FakePlatform(), "--options", nul.toString()));
        assertTrue(err().startsWith("timeslave: " + nul + ": -P: path must not contain a NUL character\nusage:"), err());
        errBytes.reset();
        Path huge = timeslave.os.HostileFiles.sparse(dir.resolve("huge.options"), 100L << 20);
        assertEquals(2, run(new FakePlatform(), "--options", huge.toString()));
        assertTrue(err().startsWith("timeslave: --options " + huge + ": cannot read: larger than 65536 bytes\nusage:"),
                err());
        errBytes.reset();
        Path fifo = timeslave.os.HostileFiles.fifo(dir.resolve("fifo.options"));
        assertEquals(2, timeslave.os.HostileFiles.withoutHanging(fifo,
                () -> run(new FakePlatform(), "--options", fifo.toString())));
        assertTrue(err().startsWith("timeslave: --options " + fifo + ": cannot read: not a regular file (a FIFO)\n"),
                err());
    }

    /** Issue 9, failure 7: a FIFO as the leap-seconds file hung the daemon after "started", deaf to SIGTERM. */
    @Test
    void aFifoAsTheLeapSecondsFileIsOneLineAndTheDaemonRuns() throws Exception {
        Path fifo = timeslave.os.HostileFiles.fifo(dir.resolve("leap-seconds.list"));
        FakePlatform p = new FakePlatform();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> status = ex.submit(() -> run(p, "-H", "m", "--leap-seconds", fifo.toString()));
            boolean measured = p.measured.await(20, TimeUnit.SECONDS);
            if (!measured) {
                timeslave.os.HostileFiles.release(fifo);
            }
            assertTrue(measured, "the daemon measures");
            p.signals.get("TERM").run();
            assertEquals(0, status.get(10, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
        assertTrue(p.syslog.contains("ERR leap-seconds file " + fifo + " unreadable: not a regular file (a FIFO); no leap"
                + " seconds will be announced"), p.syslog.toString());
        assertEquals("NOTICE stopped by SIGTERM", p.syslog.get(p.syslog.size() - 1));
    }

    /**
     * Issue 12: the file shipped until Bulletin C 72 (expired 2026-06-28) is one WARNING at start, before the
     * first measurement, and the daemon runs on. The fake clock reads 2026-12-06, past the expiry.
     */
    @Test
    void anExpiredLeapSecondsFileIsAWarningAtStart() throws Exception {
        Path expired = Path.of("test-fixtures/leap/leap-seconds-expired-2026-06-28.list").toAbsolutePath();
        FakePlatform p = new FakePlatform();
        p.clock.realtimeNanos = java.time.Instant.parse("2026-12-06T03:00:00Z").getEpochSecond() * 1_000_000_000L;
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> status = ex.submit(() -> run(p, "-H", "m", "--leap-seconds", expired.toString()));
            assertTrue(p.measured.await(20, TimeUnit.SECONDS), "the daemon measures");
            List<String> atFirstMeasurement = List.copyOf(p.syslog);
            p.signals.get("TERM").run();
            assertEquals(0, status.get(10, TimeUnit.SECONDS));
            assertTrue(atFirstMeasurement.contains("WARNING leap-seconds file " + expired
                    + " expired on 2026-06-28; no leap seconds will be announced"), atFirstMeasurement.toString());
        } finally {
            ex.shutdownNow();
        }
    }

    @Test
    void noModeIsAUsageError() {
        assertEquals(2, run(new FakePlatform()));
        assertTrue(err().startsWith("timeslave: one of -H netmaster and -C tty is required\nusage:"), err());
    }

    @Test
    void simulateGetsTheRestOfTheWords() {
        assertEquals(0, run(new FakePlatform(), "--simulate", "--seconds", "600", "--quiet"), err());
        assertTrue(out().contains("summary: scenario default"), "the simulator ran: " + out());
    }

    @Test
    void simulateWordsAreTheSimulatorsToReject() {
        run(new FakePlatform(), "--simulate", "-r", "3");
        assertTrue(err().startsWith("timeslave: --simulate: unknown argument -r"), err());
        assertTrue(!err().contains(OptionsParser.usage()), "not the daemon's usage: " + err());
    }

    @Test
    void oncePrintsOneLine() {
        FakePlatform p = new FakePlatform();
        assertEquals(0, run(p, "--once", "-H", "m"));
        assertEquals("offset=+0.002500123 delay=0.000312000 bound=0.000160000 ref=fake:m\n", out());
        assertTrue(p.clock.steps.isEmpty());
        assertTrue(p.closed, "the reference is closed");
    }

    @Test
    void onceUnreachableIsOneLineAndStatus1() {
        FakePlatform p = new FakePlatform();
        p.measureFailure = new MeasurementException(MeasurementException.Kind.UNREACHABLE, "no reply in 4 s");
        assertEquals(1, run(p, "--once", "-H", "m"));
        assertEquals("", out());
        assertEquals("timeslave: m: no reply in 4 s\n", err());
    }

    @Test
    void onceWithAReferenceBugIsOneLineAndStatus1() {
        FakePlatform p = new FakePlatform();
        p.measureBug = new IllegalStateException("sample out of range");
        assertEquals(1, run(p, "--once", "--set", "-H", "m"));
        assertEquals("", out());
        assertEquals("timeslave: m: internal error: java.lang.IllegalStateException: sample out of range\n", err());
        assertTrue(p.clock.steps.isEmpty(), "no step on a failed measurement");
        assertTrue(p.closed, "the reference is closed");
    }

    @Test
    void onceSetStepsByTheMeasuredOffset() {
        FakePlatform p = new FakePlatform();
        assertEquals(0, run(p, "--once", "--set", "-H", "m"));
        assertEquals(List.of(2_500_123L), p.clock.steps);
        assertEquals("timeslave: stepped the clock by 0.002500123 s\n", err());
    }

    /**
     * Issue 9, failure 2 (the clock's side): one reply claiming an hour used to be stepped by
     * --once --set. Beyond the panic limit --once says so and exits 3; --set steps only with --force.
     */
    @Test
    void onceBeyondThePanicLimitExits3AndSetStepsOnlyWithForce() {
        FakePlatform p = new FakePlatform();
        p.onceOffsetNanos = 3_599_999_945_220L;
        assertEquals(Main.EXIT_BEYOND_PANIC, run(p, "--once", "-H", "m"));
        assertTrue(out().startsWith("offset=+3599.999945220 "), "the measurement is still printed: " + out());
        assertEquals("timeslave: offset +3599.999945220 s is beyond the panic limit 1000 s\n", err());
        errBytes.reset();
        assertEquals(3, run(p, "--once", "--set", "-H", "m"));
        assertEquals("timeslave: offset +3599.999945220 s is beyond the panic limit 1000 s; not stepped (--force steps it)\n",
                err());
        assertTrue(p.clock.steps.isEmpty(), "not stepped: " + p.clock.steps);
        errBytes.reset();
        assertEquals(0, run(p, "--once", "--set", "--force", "-H", "m"));
        assertEquals(List.of(3_599_999_945_220L), p.clock.steps);
        errBytes.reset();
        assertEquals(0, run(p, "--once", "--set", "--panic", "4000", "-H", "m"), "within a wider limit");
        assertEquals(0, run(p, "--once", "--set", "--panic", "0", "-H", "m"), "no limit");
        assertEquals(3, p.clock.steps.size());
    }

    @Test
    void onceSetWithoutPrivilegeRefusesClearly() {
        FakePlatform p = new FakePlatform();
        p.clock.refuse = new ClockException("clock_adjtime(ADJ_SETOFFSET|ADJ_NANO): EPERM (Operation not permitted)"
                + ": changing the clock needs root or CAP_SYS_TIME");
        assertEquals(1, run(p, "--once", "--set", "-H", "m"));
        assertTrue(out().startsWith("offset=+0.002500123"), "the measurement is still printed");
        assertEquals("timeslave: --set: clock_adjtime(ADJ_SETOFFSET|ADJ_NANO): EPERM (Operation not permitted)"
                + ": changing the clock needs root or CAP_SYS_TIME\n", err());
    }

    @Test
    void onceUsesTheTimetrimYearUnderBigY() {
        FakePlatform p = new FakePlatform();
        assertEquals(0, run(p, "--once", "-H", "m", "-P", "/t", "-Y"));
        assertEquals(OptionalInt.of(2024), p.config.forcedYear());
    }

    @Test
    void onceWithSeveralMastersPrintsEachThenTheSelection() {
        FakePlatform p = new FakePlatform();
        p.memberOffsets.put("a", 2_500_000L);
        p.memberOffsets.put("b", 2_510_000L);
        p.memberOffsets.put("c", 4_000_000L);
        assertEquals(0, run(p, "--once", "-H", "a", "-H", "b", "-H", "c", "-H", "d"));
        List<String> lines = out().lines().toList();
        assertEquals(List.of("offset=+0.002500000 delay=0.000312000 bound=0.000160000 ref=fake:a",
                "offset=+0.002510000 delay=0.000312000 bound=0.000160000 ref=fake:b",
                "offset=+0.004000000 delay=0.000312000 bound=0.000160000 ref=fake:c"), lines.subList(0, 3), out() + err());
        assertTrue(lines.get(3).matches("offset=\\+0\\.0025\\d+ delay=0\\.000312000 bound=0\\.000\\d+ ref=fake:a\\+fake:b"),
                lines.get(3));
        assertEquals(4, lines.size(), out() + err());
        assertTrue(err().matches("timeslave: fake:c: falseticker: offset \\+0\\.004000000 s outside the agreed"
                + " \\[\\+0\\.0023\\d+, \\+0\\.0026\\d+\\] s\ntimeslave: fake:d: no reply in 4 s\n"), err());
        assertEquals(List.of("a", "b", "c", "d"), p.membersClosed);
    }

    @Test
    void onceWithSeveralMastersFailsOnlyWhenNoneAnswers() {
        FakePlatform p = new FakePlatform();
        assertEquals(1, run(p, "--once", "-H", "a", "-H", "b"));
        assertEquals("", out());
        assertEquals("timeslave: fake:a: no reply in 4 s\ntimeslave: fake:b: no reply in 4 s\n"
                + "timeslave: a,b: no master answered\n", err());
    }

    @Test
    void onceWithTwoThatDisagreeFails() {
        FakePlatform p = new FakePlatform();
        p.memberOffsets.put("a", 0L);
        p.memberOffsets.put("b", 5_000_000L);
        assertEquals(1, run(p, "--once", "--set", "-H", "a", "-H", "b"));
        assertEquals(2, out().lines().count());
        assertTrue(err().endsWith("timeslave: a,b: masters disagree: no majority among 2 answering\n"), err());
        assertTrue(p.clock.steps.isEmpty());
    }

    @Test
    void daemonWithSeveralMastersNamesThemAllAndFailsOnTheOneThatCannotOpen() throws Exception {
        FakePlatform p = new FakePlatform();
        p.memberOpenFailure = "b";
        assertEquals(1, run(p, "-B", "-H", "a", "-H", "b", "-C", "/dev/ttyd2"));
        assertEquals("timeslave: cannot open b: cannot resolve b\n", err());
        assertEquals(List.of("a"), p.membersClosed, "what was opened is closed again");
        FakePlatform q = new FakePlatform();
        q.memberOffsets.put("a", 0L);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> status = ex.submit(() -> run(q, "-m", "-H", "a", "-H", "b", "-C", "/dev/ttyd2", "-c", "TT600"));
            assertTrue(q.measured.await(10, TimeUnit.SECONDS), "the daemon measured");
            q.signals.get("TERM").run();
            assertEquals(0, status.get(10, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
        assertTrue(q.syslog.get(0).contains(" started: -H a -H b -C /dev/ttyd2 -c TT600 -p 37 "), q.syslog.get(0));
        assertEquals(List.of("a", "b", "/dev/ttyd2"), q.membersClosed);
    }

    @Test
    void daemonStartFailureIsOneLineAndStatus1() throws IOException {
        FakePlatform p = new FakePlatform();
        p.openFailure = new MeasurementException(MeasurementException.Kind.LOCAL, "open(/dev/ttyd9): no such file");
        Path ready = dir.resolve("ready");
        assertEquals(1, run(p, "-B", "-C", "/dev/ttyd9", "--detached", ready.toString()));
        assertEquals("timeslave: cannot open /dev/ttyd9: open(/dev/ttyd9): no such file\n", err());
        assertEquals(List.of("ERR cannot open /dev/ttyd9: open(/dev/ttyd9): no such file"), p.syslog);
        assertEquals("error: cannot open /dev/ttyd9: open(/dev/ttyd9): no such file\n", Files.readString(ready));
    }

    @Test
    void daemonStartFailureWithoutBStillReachesStderrOnce() {
        FakePlatform p = new FakePlatform();
        p.openFailure = new MeasurementException(MeasurementException.Kind.LOCAL, "unknown host nowhere");
        assertEquals(1, run(p, "-H", "nowhere"));
        assertEquals("timeslave: cannot open nowhere: unknown host nowhere\n", err());
    }

    @Test
    void daemonRunsLogsSignalsAndStopsCleanlyOnSigterm() throws Exception {
        FakePlatform p = new FakePlatform();
        Path ready = dir.resolve("ready");
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> status = ex.submit(() -> run(p, "-B", "-m", "-H", "127.0.0.1", "-r", "5", "-P",
                    dir.resolve("trim").toString(), "--detached", ready.toString()));
            assertTrue(p.measured.await(10, TimeUnit.SECONDS), "the daemon measured");
            assertEquals("ready\n", Files.readString(ready));
            assertTrue(p.priorityRaised);
            assertTrue(p.startupPagesReleased, "start-up pages are released once the daemon runs");
            assertTrue(p.stdioClosed, "detached: stdio goes to /dev/null after ready");
            assertEquals(null, p.timetrim, "-m never touches the -P file");
            p.signals.get("USR1").run();
            p.signals.get("USR1").run();
            p.signals.get("USR2").run();
            p.signals.get("HUP").run();   // ops12: SIGHUP reloads instead of ending the JVM
            p.signals.get("TERM").run();
            assertEquals(0, status.get(10, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
        String start = p.syslog.get(0);
        assertTrue(start.startsWith("NOTICE timeslave ") && start.contains(" started: -H 127.0.0.1 -p 37 ")
                && start.contains(" -m ") && start.contains(" -r 5 "), start);
        assertTrue(p.syslog.contains("DEBUG debugging increased to 1"), p.syslog.toString());
        assertTrue(p.syslog.contains("DEBUG debugging increased to 2"), p.syslog.toString());
        assertTrue(p.syslog.contains("DEBUG debugging decreased to 1"), p.syslog.toString());
        assertEquals("NOTICE stopped by SIGTERM", p.syslog.get(p.syslog.size() - 1));
        assertTrue(err().contains("timeslave: debugging increased to 2\n"), "-B copies to stderr: " + err());
        assertTrue(err().endsWith("timeslave: stopped by SIGTERM\n"), err());
        assertTrue(p.closed);
        // ops12
        assertTrue(p.syslog.contains("NOTICE reload: the command line read"), p.syslog.toString());
        assertEquals(List.of("READY=1\nSTATUS=following fake:127.0.0.1", "STOPPING=1"), p.notified);
    }

    @Test
    void daemonOpensTheTimetrimFileWithoutM() throws Exception {
        FakePlatform p = new FakePlatform();
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> status = ex.submit(() -> run(p, "-H", "m", "-P", "/var/adm/timetrim"));
            assertTrue(p.measured.await(10, TimeUnit.SECONDS));
            p.signals.get("INT").run();
            assertEquals(0, status.get(10, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
        assertTrue(p.timetrim != null);
        assertEquals("NOTICE stopped by SIGINT", p.syslog.get(p.syslog.size() - 1));
        assertEquals("", err(), "without -B nothing goes to stderr");
    }
    // ---- least privilege (-u)

    @Test
    void unknownUserIsAUsageErrorBeforeAnythingOpens() throws IOException {
        FakePlatform p = new FakePlatform();
        p.planUnknown = new Privileges.NoSuchUser("bob");
        Path ready = dir.resolve("ready");
        assertEquals(2, run(p, "-H", "m", "-u", "bob", "--detached", ready.toString()));
        assertEquals("timeslave: -u bob: no such user\n", err());
        assertEquals(List.of("ERR -u bob: no such user"), p.syslog);
        assertEquals("error: -u bob: no such user\n", Files.readString(ready));
        assertEquals(null, p.config, "no reference opened");
        assertEquals(List.of("plan bob"), p.privilegeCalls);
    }

    @Test
    void aFailedSwitchStopsTheDaemonBeforeItMeasures() throws IOException {
        FakePlatform p = new FakePlatform();
        p.becomeAccount = new Privileges.Account("nobody", 65534, 65534, new int[] {65534});
        p.dropFailure = new Privileges.Failure("setresuid(65534): EPERM (Operation not permitted)");
        Path ready = dir.resolve("ready");
        assertEquals(1, run(p, "-H", "m", "--detached", ready.toString()));
        String msg = "cannot drop privileges: setresuid(65534): EPERM (Operation not permitted)";
        assertEquals("timeslave: " + msg + "\n", err());
        assertEquals("ERR " + msg, p.syslog.get(p.syslog.size() - 1));
        assertEquals("error: " + msg + "\n", Files.readString(ready));
        assertEquals(1, p.measured.getCount(), "never measured");
        assertTrue(p.closed, "the reference is closed");
    }

    @Test
    void theSwitchComesAfterTheReferenceIsOpenAndBeforeReadyAndTheFirstMeasurement() throws Exception {
        FakePlatform p = new FakePlatform();
        p.becomeAccount = new Privileges.Account("nobody", 65534, 65534, new int[] {65534});
        Path ready = dir.resolve("ready");
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> status = ex.submit(() -> run(p, "-B", "-m", "-H", "m", "-u", "nobody", "--detached",
                    ready.toString()));
            assertTrue(p.measured.await(10, TimeUnit.SECONDS), "the daemon measured");
            assertEquals("ready\n", Files.readString(ready));
            p.signals.get("TERM").run();
            assertEquals(0, status.get(10, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
        assertEquals(List.of("plan nobody", "drop nobody, reference open: true, measured: false"), p.privilegeCalls);
        assertTrue(p.syslog.get(0).endsWith(" -u nobody"), p.syslog.get(0));
    }

    // ops12
    @Test
    void oneServerUnderTwoNamesIsRefusedAsAUsageError() throws Exception {
        FakePlatform p = new FakePlatform();
        assertEquals(2, run(p, "--once", "-H", "sntp:127.0.0.1:9", "-H", "sntp:localhost:9"));
        assertEquals("timeslave: sntp:127.0.0.1:9,sntp:localhost:9: masters sntp:127.0.0.1:9 and sntp:localhost:9 are the same"
                + " server (127.0.0.1:9): it would have two votes\n", err());
        FakePlatform q = new FakePlatform();
        assertEquals(2, run(q, "-B", "-m", "-H", "sntp:127.0.0.1", "-H", "sntp:127.0.0.1:123"));
        assertTrue(q.syslog.contains("ERR cannot open sntp:127.0.0.1,sntp:127.0.0.1:123: masters sntp:127.0.0.1 and"
                + " sntp:127.0.0.1:123 are the same server (127.0.0.1:123): it would have two votes"), q.syslog.toString());
    }

    @Test
    void differentPortsOfOneHostAreDifferentServers() throws Exception {
        FakePlatform p = new FakePlatform();
        p.memberOffsets.put("sntp:127.0.0.1:9", 1_000L);
        p.memberOffsets.put("sntp:localhost:10", 1_000L);
        run(p, "--once", "-H", "sntp:127.0.0.1:9", "-H", "sntp:localhost:10");
        assertTrue(!err().contains("same server"), err());
    }

    /** The kernel's freq (2^-16 ppm) a read returns in {@link #startingFrequencyWrite}: +50 ppm. */
    static final long KERNEL_FREQ_50_PPM = 50L << 16;

    /**
     * Runs the daemon over a real LinuxClock whose libc binding is mocked (the kernel already at
     * +50 ppm) until it has measured once; returns the freq of its first ADJ_FREQUENCY write.
     */
    private long startingFrequencyWrite(FakePlatform p, String... args) throws Exception {
        TimexCall call = org.mockito.Mockito.mock(TimexCall.class);
        List<Long> freqWrites = Collections.synchronizedList(new ArrayList<>());
        org.mockito.Mockito.when(call.clockAdjtime(org.mockito.ArgumentMatchers.anyInt(),
                org.mockito.ArgumentMatchers.any(Timex.class))).thenAnswer(inv -> {
                    Timex tx = inv.getArgument(1);
                    if (tx.modes == 0) {
                        tx.freq = new com.sun.jna.NativeLong(KERNEL_FREQ_50_PPM);
                        tx.tick = new com.sun.jna.NativeLong(10_000);
                    } else if ((tx.modes & Timex.ADJ_FREQUENCY) != 0 && tx.modes != Timex.ADJ_OFFSET_SINGLESHOT) {
                        freqWrites.add(tx.freq.longValue());
                    }
                    return 0;
                });
        p.clockOverride = new LinuxClock(call, new SystemTime());
        ExecutorService ex = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> status = ex.submit(() -> run(p, args));
            assertTrue(p.measured.await(10, TimeUnit.SECONDS), "the daemon measured: " + err());
            p.signals.get("TERM").run();
            assertEquals(0, status.get(10, TimeUnit.SECONDS));
        } finally {
            ex.shutdownNow();
        }
        assertFalse(freqWrites.isEmpty(), "the daemon set a frequency: " + p.syslog);
        return freqWrites.get(0);
    }

    /** Issue 10: without -P and -i the kernel's own frequency is the start, not -i's 0 written over it. */
    @Test
    void withoutPAndIItStartsFromTheKernelsFrequency() throws Exception {
        FakePlatform p = new FakePlatform();
        assertEquals(KERNEL_FREQ_50_PPM, startingFrequencyWrite(p, "-B", "-H", "a", "--syslog", "none"));
        assertTrue(p.syslog.contains("INFO no -P and no -i: starting from the kernel's frequency +50000 ns/s"), p.syslog.toString());
    }

    /** With -i (or -P: IRIX's rule) the kernel's frequency is overwritten as before. */
    @Test
    void withIOrPTheKernelsFrequencyIsReplaced() throws Exception {
        FakePlatform p = new FakePlatform();
        assertEquals(0, startingFrequencyWrite(p, "-B", "-H", "a", "-i", "0", "--syslog", "none"));
        FakePlatform q = new FakePlatform();
        assertEquals(-7L * 65_536, // -i -7000 ns/s = -7 ppm, in 2^-16 ppm
                startingFrequencyWrite(q, "-B", "-H", "a", "-i", "-7000", "--syslog", "none"));
        FakePlatform r = new FakePlatform();
        assertEquals(0, startingFrequencyWrite(r, "-B", "-H", "a", "-P", dir.resolve("trim").toString(), "--syslog", "none"));
        assertTrue(r.syslog.stream().noneMatch(l -> l.contains("kernel's frequency")), r.syslog.toString());
    }
}
