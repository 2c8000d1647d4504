package timeslave.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;
import timeslave.core.Ensemble;
import timeslave.core.LeapPlanner;
import timeslave.time.Sample;
import timeslave.core.Seconds;
import timeslave.core.Settings;
import timeslave.core.Slave;
import timeslave.core.TimetrimStore;
import timeslave.log.Log;
import timeslave.log.Priority;
import timeslave.os.LeapSecondsFile;
import timeslave.os.Privileges;
import timeslave.os.SyslogLog;
import timeslave.os.SyslogSink;
import timeslave.time.MeasurementException;
import timeslave.ref.OnceLine;
import timeslave.time.Reference;
import timeslave.ref.ReferenceConfig;
import timeslave.sim.Simulate;
import timeslave.time.ClockException;
import timeslave.time.SystemClock;

/**
 * Entry point: parses the command line and wires the daemon (or --once, --simulate, --help,
 * --version) together. Exit status: 0 done or stopped by a signal, 1 start-up or measurement failure,
 * 2 bad command line, 3 --once measured an offset beyond the panic limit (and --set did not step it).
 */
public final class Main {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    /** --once: the offset is beyond --panic (with --set: not stepped, for want of --force). */
    public static final int EXIT_BEYOND_PANIC = 3;

    private Main() {
    }

    public static void main(String[] args) {
        // footprint: the JVM's own start touched most of libjvm and the class-data archive; dropping
        // those pages now, and again once started (daemon), keeps the peak (VmHWM) near 40 MB, not 45
        timeslave.os.StartupPages.release(null);
        System.exit(run(Arrays.asList(args), System.out, System.err, new LinuxPlatform()));
    }

    /** "timeslave 0.1.0" (the jar's Implementation-Version), or "timeslave (development build)". */
    public static String versionLine() {
        String v = Main.class.getPackage().getImplementationVersion();
        return "timeslave " + (v == null ? "(development build)" : v);
    }

    static int run(List<String> args, PrintStream out, PrintStream err, Platform platform) {
        Invocation inv;
        try {
            inv = platform.parser().parse(args);
        } catch (UsageException e) {
            err.println("timeslave: " + e.getMessage());
            err.println(OptionsParser.usage());
            return EXIT_USAGE;
        }
        if (inv instanceof Invocation.Help) {
            out.print(OptionsParser.help());
            return EXIT_OK;
        }
        if (inv instanceof Invocation.Version) {
            out.println(versionLine());
            return EXIT_OK;
        }
        if (inv instanceof Invocation.Simulate s) {
            return Simulate.run(s.args(), out, err);
        }
        Options o = ((Invocation.Run) inv).options();
        return o.once() ? once(o, out, err, platform) : daemon(o, err, platform, args);
    }

    /**
     * --once: one measurement, one line on stdout; --set then steps the clock by its offset. A failure
     * is one line on stderr: the reference's own messages are shown only with -d.
     */
    static int once(Options o, PrintStream out, PrintStream err, Platform platform) {
        SyslogLog stderrLog = new SyslogLog(SyslogSink.NONE, err, o.debugLevel());
        Log log = new Log() {
            @Override
            public void log(Priority priority, String message) {
                if (stderrLog.debugLevel() >= 1) {
                    stderrLog.log(priority, message);
                }
            }

            @Override
            public int debugLevel() {
                return stderrLog.debugLevel();
            }
        };
        OptionalInt year = o.yearFromTimetrim() ? platform.timetrimYear(o, stderrLog) : OptionalInt.empty();
        Sample s;
        try (Reference ref = open(o, o.referenceConfig(year), platform, log)) {
            try {
                s = ref.measure();
            } finally {
                if (ref instanceof Ensemble e) {
                    printMembers(e, out, err);
                }
            }
        } catch (OpenFailure e) {
            err.println("timeslave: " + e.master + ": " + e.getMessage());
            return e instanceof SameServer ? EXIT_USAGE : EXIT_FAILURE;
        } catch (MeasurementException e) {
            err.println("timeslave: " + masterNames(o) + ": " + e.getMessage());
            return EXIT_FAILURE;
        } catch (RuntimeException e) {
            // A bug in a reference (as the daemon treats it): one line and a failure, not a stack trace.
            err.println("timeslave: " + masterNames(o) + ": internal error: " + e);
            return EXIT_FAILURE;
        }
        out.println(OnceLine.format(s));
        out.flush();
        boolean beyondPanic = o.panicNanos() > 0 && Math.abs(s.offsetNanos()) > o.panicNanos();
        if (beyondPanic && !(o.setClock() && o.force())) {
            err.println("timeslave: offset " + Seconds.signed(s.offsetNanos()) + " s is beyond the panic limit "
                    + Options.seconds(o.panicNanos()) + " s" + (o.setClock() ? "; not stepped (--force steps it)" : ""));
            return EXIT_BEYOND_PANIC;
        }
        if (o.setClock()) {
            try {
                platform.clock(o, stderrLog).step(s.offsetNanos());
            } catch (ClockException e) {
                err.println("timeslave: --set: " + e.getMessage());
                return EXIT_FAILURE;
            }
            err.println("timeslave: stepped the clock by " + Options.seconds(s.offsetNanos()) + " s");
        }
        return EXIT_OK;
    }

    /** A master that could not be opened, and which one. */
    static class OpenFailure extends MeasurementException {
        final String master;

        OpenFailure(String master, MeasurementException cause) {
            super(cause.kind, cause.getMessage(), cause);
            this.master = master;
        }

        OpenFailure(String master, String message) {
            super(Kind.LOCAL, message);
            this.master = master;
        }
    }

    /** Opens the one master, or with several an {@link Ensemble} of them (every one must open). */
    static Reference open(Options o, ReferenceConfig config, Platform platform, Log log) throws MeasurementException {
        if (o.masters().size() == 1) {
            try {
                return platform.reference(o, config, platform.time(), log);
            } catch (MeasurementException e) {
                throw new OpenFailure(o.master(), e);
            }
        }
        sameServerTwice(o);   // ops12
        List<Reference> opened = new ArrayList<>();
        try {
            for (Options.Master m : o.masters()) {
                try {
                    opened.add(platform.reference(m, config, platform.time(), log));
                } catch (MeasurementException e) {
                    throw new OpenFailure(m.spec(), e);
                }
            }
            return new Ensemble(opened, log);
        } catch (IllegalArgumentException e) {
            opened.forEach(Reference::close);
            throw new OpenFailure(masterNames(o), e.getMessage());
        } catch (MeasurementException e) {
            opened.forEach(Reference::close);
            throw e;
        }
    }

    // ops12
    /** Two names of one server (same address and port after resolving): a usage error, status 2. */
    static final class SameServer extends OpenFailure {
        SameServer(String masters, String message) {
            super(masters, message);
        }
    }

    /**
     * Refuses two -H that resolve to a common address and port (-H sntp:127.0.0.1 -H sntp:localhost):
     * one server would have two votes. A name that does not resolve is left for its open to report.
     */
    static void sameServerTwice(Options o) throws SameServer {
        List<String> names = new ArrayList<>();
        List<java.util.Set<java.net.InetSocketAddress>> addresses = new ArrayList<>();
        for (Options.Master m : o.masters()) {
            if (m.serial()) {
                continue;
            }
            java.util.Set<java.net.InetSocketAddress> set = new java.util.LinkedHashSet<>();
            try {
                timeslave.ref.References.Spec sp = timeslave.ref.References.spec(m.spec(), o.timePort());
                for (java.net.InetAddress a : java.net.InetAddress.getAllByName(sp.host())) {
                    set.add(new java.net.InetSocketAddress(a, sp.port()));
                }
            } catch (MeasurementException | java.net.UnknownHostException e) {
                continue;
            }
            for (int i = 0; i < addresses.size(); i++) {
                for (java.net.InetSocketAddress a : set) {
                    if (addresses.get(i).contains(a)) {
                        String where = (a.getAddress() instanceof java.net.Inet6Address ? "[" + a.getAddress().getHostAddress()
                                + "]" : a.getAddress().getHostAddress()) + ":" + a.getPort();
                        throw new SameServer(names.get(i) + "," + m.spec(), "masters " + names.get(i) + " and " + m.spec()
                                + " are the same server (" + where + "): it would have two votes");
                    }
                }
            }
            names.add(m.spec());
            addresses.add(set);
        }
    }
    // end ops12

    /** The masters as given, joined by commas (for messages). */
    static String masterNames(Options o) {
        return String.join(",", o.masters().stream().map(Options.Master::spec).toList());
    }

    /**
     * --once with several masters: one line per member that answered (stdout), then, on stderr, why
     * any member was left out; the caller prints the selected result last.
     */
    private static void printMembers(Ensemble e, PrintStream out, PrintStream err) {
        double[] agreed = e.agreedNanos();
        for (Ensemble.Member m : e.lastRound()) {
            if (m.sample() != null) {
                out.println(OnceLine.format(m.sample()));
            }
        }
        for (Ensemble.Member m : e.lastRound()) {
            if (m.sample() == null) {
                err.println("timeslave: " + m.name() + ": " + m.failure());
            } else if (agreed != null && !m.truechimer()) {
                err.println("timeslave: " + m.name() + ": falseticker: offset " + Seconds.signed(m.sample().offsetNanos())
                        + " s outside the agreed [" + Seconds.signed(agreed[0]) + ", " + Seconds.signed(agreed[1]) + "] s");
            }
        }
        out.flush();
    }

    /**
     * Issue 10: without -P and -i, the frequency the kernel already has is the starting one (the
     * core's "initial drift"), so a kernel trimmed before is not thrown back to 0 and re-learnt.
     */
    static Settings startingFrequency(Options o, Settings settings, SystemClock clock, Log log) {
        if (!o.startsFromKernelFrequency()) {
            return settings;
        }
        try {
            long kernel = Math.round(clock.frequency());
            log.info("no -P and no -i: starting from the kernel's frequency " + (kernel >= 0 ? "+" : "") + kernel + " ns/s");
            return settings.withInitDriftNsPerSec(kernel);
        } catch (ClockException e) {
            log.err("cannot read the kernel's frequency: " + e.getMessage() + "; starting from -i "
                    + settings.initDriftNsPerSec() + " ns/s");
            return settings;
        }
    }

    /** The daemon: runs the core loop until SIGTERM or SIGINT. */
    /**
     * A start-up failure: one ERR line, the same on stderr when detached (the launcher shows it), and
     * the reason told to the launcher waiting on the ready file.
     */
    private static void startFailed(String msg, Options o, Log log, PrintStream err, ReadyReport ready) {
        log.err(msg);
        if (!o.foreground()) {
            err.println("timeslave: " + msg);
        }
        ready.fail(msg);
    }

    static int daemon(Options o, PrintStream err, Platform platform) {
        return daemon(o, err, platform, List.of());
    }

    /** The daemon, with the command line {@code args} that reload (SIGHUP, timeslave-ctl reload) parses again. */
    static int daemon(Options o, PrintStream err, Platform platform, List<String> args) {
        ReadyReport ready = new ReadyReport(o.readyFile().orElse(null));
        SyslogLog log = platform.log(o, err);
        // --- least privilege (-u): issue 9 item 6; whom to become is settled before anything opens ---
        java.util.Optional<Privileges.Account> become;
        try {
            become = platform.privilegePlan(o, log);
        } catch (Privileges.NoSuchUser e) {
            startFailed(e.getMessage(), o, log, err, ready);
            return EXIT_USAGE;
        } catch (Privileges.Failure e) {
            String msg = "cannot drop privileges: " + e.getMessage();
            startFailed(msg, o, log, err, ready);
            return EXIT_FAILURE;
        }
        // --- end least privilege ---
        platform.raisePriority(log);
        SystemClock clock = platform.clock(o, log);
        OptionalInt year = o.yearFromTimetrim() ? platform.timetrimYear(o, log) : OptionalInt.empty();
        TimetrimStore timetrim = o.timetrimFile().isPresent() && !o.measureOnly() ? platform.timetrim(o, log)
                : TimetrimStore.NONE;
        if (o.measureOnly() && o.timetrimFile().isPresent()) {
            platform.timetrimUnderMeasureOnly(o, log);   // ops12
        }
        Reference ref;
        try {
            ref = open(o, o.referenceConfig(year), platform, log);
        } catch (MeasurementException e) {
            String msg = "cannot open " + (e instanceof OpenFailure f ? f.master : o.master()) + ": " + e.getMessage();
            startFailed(msg, o, log, err, ready);
            return e instanceof SameServer ? EXIT_USAGE : EXIT_FAILURE;   // ops12
        }
        Slave slave = new Slave(startingFrequency(o, o.settings(platform.time().monotonicNanos()), clock, log), ref, clock,
                platform.scheduler(platform.time()), log, timetrim);
        AtomicReference<String> stoppedBy = new AtomicReference<>();
        for (String sig : List.of("TERM", "INT")) {
            platform.onSignal(sig, () -> {
                stoppedBy.compareAndSet(null, "SIG" + sig);
                slave.stop();
            });
        }
        // ---- serving the next tier (issue 11): servers and the ClockBound segment, fed by the slave
        timeslave.serve.Serving serving = null;
        if (o.serve().any()) {
            try {
                serving = ServeWiring.start(o, ref, platform.time(), log);
            } catch (timeslave.serve.Serving.StartFailure e) {
                String msg = "cannot serve " + e.getMessage();
                startFailed(msg, o, log, err, ready);
                ref.close();
                return EXIT_FAILURE;
            }
            slave.publishTo(serving);
        }
        // ---- end of serving
        platform.onSignal("USR1", log::raiseDebugLevel);
        platform.onSignal("USR2", log::lowerDebugLevel);
        // ops12: status and control (timeslave-ctl, SIGHUP), metrics, statistics.
        Reloader reloader = new Reloader(o, args, platform, log, slave);
        platform.onSignal("HUP", () -> {
            try {
                reloader.reload();
            } catch (IllegalArgumentException e) {
                // logged by reload
            }
        });
        Operations ops = platform.operations(o, log, new timeslave.control.ControlServer.Actions() {
            @Override
            public String debug(int level) {
                return "debugging set to " + log.setDebugLevel(level);
            }

            @Override
            public String reload() {
                return reloader.reload();
            }
        });
        slave.statusListener(ops);
        if (serving != null) {
            ops.serverStats(ServeCounters.of(serving));
        }
        // tracking's stratum, reference ID, root delay and dispersion: served, or what --serve-ntp would send
        timeslave.serve.ServedClock served = serving != null ? serving.clock()
                : ServeWiring.servedClock(o, ref, platform.time(), null);
        if (serving == null) {
            slave.publishTo(served);
        }
        boolean servingNtp = !o.serve().ntp().isEmpty();
        ops.served(() -> ServeWiring.header(served, servingNtp));
        // end ops12
        log.notice(versionLine() + " started: " + o.describe());
        if (!o.measureOnly() && o.leap() != Settings.Leap.IGNORE) {
            boolean byDefault = o.leapSecondsFile().equals(ReferenceConfig.defaults().leapSecondsFile());
            LeapPlanner.Table leap = LeapSecondsFile.load(o.leapSecondsFile(), byDefault ? LeapSecondsFile.DEBIAN : null,
                    o.leap(), log);
            if (leap != null) {
                slave.leapSeconds(leap.seconds(), leap.file());
            }
        }
        // --- least privilege (-u): everything that needs root is open; become the user ---
        if (become.isPresent()) {
            try {
                platform.dropPrivileges(o, become.get(), log);
            } catch (Privileges.Failure e) {
                String msg = "cannot drop privileges: " + e.getMessage();
                startFailed(msg, o, log, err, ready);
                ref.close();
                return EXIT_FAILURE;
            }
        }
        // --- end least privilege ---
        ready.ok();
        platform.notifyServiceManager("READY=1\nSTATUS=following " + ref.name(), log);   // ops12: Type=notify
        if (o.readyFile().isPresent()) {
            platform.stdioToDevNull();
        }
        platform.releaseStartupPages(log);   // footprint: issue 9 item 7
        try {
            slave.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stoppedBy.compareAndSet(null, "an interrupt");
        } catch (RuntimeException e) {
            log.err("stopped by an internal error: " + e);
            return EXIT_FAILURE;
        } finally {
            ref.close();
            ops.close();
            if (serving != null) {
                serving.close();
            }
        }
        platform.notifyServiceManager("STOPPING=1", log);   // ops12
        log.notice("stopped by " + (stoppedBy.get() == null ? "the main loop" : stoppedBy.get()));
        return EXIT_OK;
    }

    // ops12
    /**
     * reload (SIGHUP, timeslave-ctl reload): parses the command line and the options file again. A
     * file with an error changes nothing; otherwise -d and the leap-seconds file take effect at once,
     * and any other change is logged as waiting for the next start.
     */
    static final class Reloader {
        private final Options started;
        private final List<String> args;
        private final Platform platform;
        private final SyslogLog log;
        private final Slave slave;

        Reloader(Options started, List<String> args, Platform platform, SyslogLog log, Slave slave) {
            this.started = started;
            this.args = args;
            this.platform = platform;
            this.log = log;
            this.slave = slave;
        }

        synchronized String reload() {
            String file = started.optionsFile().map(Path::toString).orElse("the command line");
            Options now;
            try {
                Invocation inv = platform.parser().parse(args);
                if (!(inv instanceof Invocation.Run r)) {
                    throw new UsageException("not a daemon command line");
                }
                now = r.options();
            } catch (UsageException e) {
                log.err("reload: " + e.getMessage() + "; nothing changed");
                throw new IllegalArgumentException(e.getMessage() + "; nothing changed");
            }
            log.setDebugLevel(now.debugLevel());
            if (!now.measureOnly() && now.leap() != Settings.Leap.IGNORE) {
                boolean byDefault = now.leapSecondsFile().equals(ReferenceConfig.defaults().leapSecondsFile());
                LeapPlanner.Table leap = LeapSecondsFile.load(now.leapSecondsFile(),
                        byDefault ? LeapSecondsFile.DEBIAN : null, now.leap(), log);
                slave.leapSeconds(leap == null ? null : leap.seconds(), leap == null ? null : leap.file());
            }
            List<String> waiting = new ArrayList<>();
            List<String> a = List.of(started.describe().split(" (?=-)"));
            for (String w : now.describe().split(" (?=-)")) {
                if (!a.contains(w) && !w.startsWith("-d")) {
                    waiting.add(w);
                }
            }
            String msg = "reload: " + file + " read" + (waiting.isEmpty() ? "" : "; " + String.join(" ", waiting)
                    + " takes effect at the next start");
            log.notice(msg);
            return msg;
        }
    }
    // end ops12

    /**
     * Tells bin/timeslave, which waits on a pipe while the detached daemon starts (hidden --detached
     * FILE), whether start-up worked: "ready" or "error: message", one line.
     */
    static final class ReadyReport {
        /** Opened at once: after -u the daemon may no longer open the launcher's private pipe. */
        private FileOutputStream out;

        ReadyReport(Path file) {
            if (file != null) {
                try {
                    out = new FileOutputStream(file.toFile(), true);
                } catch (IOException e) {
                    out = null;   // the launcher stopped waiting; it reports the silence itself
                }
            }
        }

        void ok() {
            write("ready");
        }

        void fail(String message) {
            write("error: " + message);
        }

        private void write(String line) {
            if (out == null) {
                return;
            }
            try (FileOutputStream f = out) {
                f.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the launcher stopped waiting; it reports the silence itself
            }
            out = null;
        }
    }
}
