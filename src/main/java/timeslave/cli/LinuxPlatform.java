package timeslave.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import timeslave.log.Log;
import timeslave.core.TimetrimStore;
import timeslave.os.LinuxClock;
import timeslave.os.NullClock;
import timeslave.os.Privileges;
import timeslave.os.ProcessPriority;
import timeslave.os.Signals;
import timeslave.os.Syslog;
import timeslave.os.SyslogLog;
import timeslave.os.SyslogSink;
import timeslave.os.StartupPages;
import timeslave.os.Stdio;
import timeslave.os.SystemTime;
import timeslave.os.ThreadCredentials;
import timeslave.os.ThreadScheduler;
import timeslave.os.TimetrimFile;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.References;
import timeslave.time.Scheduler;
import timeslave.time.SystemClock;
import timeslave.time.TimeSource;

/** The real machine: Linux clock through JNA, syslog socket, -P file, real signals. */
final class LinuxPlatform implements Platform {
    /** Set by bin/timeslave, which starts a detached daemon in /: relative paths resolve from here. */
    static final String START_DIR_ENV = "TIMESLAVE_START_DIR";

    private final TimeSource time = new SystemTime();

    @Override
    public OptionsParser parser() {
        String start = System.getenv(START_DIR_ENV);
        return new OptionsParser(OptionsParser.DEFAULT_OPTIONS_FILE,
                name -> EtcServices.udpPort(EtcServices.DEFAULT, name), Path.of(start == null ? "" : start));
    }

    @Override
    public TimeSource time() {
        return time;
    }

    @Override
    public Scheduler scheduler(TimeSource t) {
        return new ThreadScheduler(t);
    }

    /**
     * Syslog at --syslog (none: no syslog), plus stderr with -B, except when stderr is the systemd
     * journal and syslog is on: journald reads /dev/log too, and each line would appear twice.
     */
    @Override
    public SyslogLog log(Options o, PrintStream stderr) {
        if (o.syslogPath().isEmpty()) {
            return new SyslogLog(SyslogSink.NONE, o.foreground() ? stderr : null, o.debugLevel());
        }
        Syslog syslog = new Syslog(o.syslogPath().get(), "timeslave", Clock.systemDefaultZone(), stderr);
        boolean copy = o.foreground() && !Stdio.stderrIsJournal(System.getenv("JOURNAL_STREAM"));
        return new SyslogLog(syslog, copy ? stderr : null, o.debugLevel());
    }

    @Override
    public SystemClock clock(Options o, SyslogLog log) {
        LinuxClock real = LinuxClock.system();
        return o.measureOnly() ? new NullClock(real, log) : real;
    }

    @Override
    public TimetrimStore timetrim(Options o, SyslogLog log) {
        return new TimetrimFile(o.timetrimFile().orElseThrow(), log, Main.versionLine());
    }

    @Override
    public OptionalInt timetrimYear(Options o, SyslogLog log) {
        return new TimetrimFile(o.timetrimFile().orElseThrow(), log, Main.versionLine()).modificationYear();
    }

    @Override
    public Reference reference(Options o, ReferenceConfig config, TimeSource t, Log log)
            throws MeasurementException {
        return reference(new Options.Master(o.serial(), o.master()), config, t, log);
    }

    @Override
    public Reference reference(Options.Master m, ReferenceConfig config, TimeSource t, Log log)
            throws MeasurementException {
        return m.serial() ? References.serial(m.spec(), config, t, log) : References.network(m.spec(), config, t, log);
    }

    @Override
    public void onSignal(String name, Runnable handler) {
        Signals.handle(name, handler);
    }

    @Override
    public void stdioToDevNull() {
        Stdio.toDevNull();
    }

    @Override
    public void raisePriority(SyslogLog log) {
        ProcessPriority.raise(ProcessPriority.NATIVE, log);
    }

    @Override
    public void releaseStartupPages(SyslogLog log) {
        StartupPages.release(log);
    }

    // --- least privilege (-u): issue 9 item 6 ---

    @Override
    public Optional<Privileges.Account> privilegePlan(Options o, SyslogLog log)
            throws Privileges.NoSuchUser, Privileges.Failure {
        return Privileges.plan(o.user(), Privileges.NATIVE, log);
    }

    /**
     * Switches, then reads every thread's credentials from /proc; afterwards warns (it cannot stop
     * the daemon from working) when the -P directory or the -C tty is out of the new user's reach.
     */
    @Override
    public void dropPrivileges(Options o, Privileges.Account a, SyslogLog log) throws Privileges.Failure {
        Privileges.become(a, Privileges.KEEP, Privileges.NATIVE);
        Map<Long, ThreadCredentials> threads;
        long self;
        try {
            self = ThreadCredentials.self();
            threads = ThreadCredentials.ofThisProcess();
        } catch (IOException | RuntimeException e) {
            throw new Privileges.Failure("cannot check the threads in /proc/self/task: " + e);
        }
        List<String> problems = ThreadCredentials.problems(threads, self, a.uid(), a.gid(), Privileges.KEEP);
        if (!problems.isEmpty()) {
            throw new Privileges.Failure(String.join("; ", problems));
        }
        log.notice("running as user " + a + " keeping " + Privileges.names(Privileges.KEEP) + " ("
                + threads.size() + " threads checked)");
        if (o.timetrimFile().isPresent() && !o.measureOnly()) {
            Path dir = o.timetrimFile().get().toAbsolutePath().getParent();
            if (dir != null && !(Files.isWritable(dir) && Files.isExecutable(dir))) {
                log.warning("-P " + o.timetrimFile().get() + ": user " + a.name() + " cannot write in " + dir
                        + "; the timetrim will not be saved");
            }
        }
        for (Options.Master m : o.masters()) {
            Path tty = Path.of(m.spec());
            if (m.serial() && !(Files.isReadable(tty) && Files.isWritable(tty))) {
                log.warning("-C " + tty + ": user " + a.name() + " cannot open it for reading and writing");
            }
        }
    }
}
