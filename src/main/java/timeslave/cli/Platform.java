package timeslave.cli;

import java.io.PrintStream;
import java.util.Optional;
import java.util.OptionalInt;
import timeslave.log.Log;
import timeslave.core.TimetrimStore;
import timeslave.os.Privileges;
import timeslave.os.SyslogLog;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.ref.ReferenceConfig;
import timeslave.time.Scheduler;
import timeslave.time.SystemClock;
import timeslave.time.TimeSource;

/**
 * Everything {@link Main} takes from the machine, so the wiring can be tested with fakes
 * ({@link LinuxPlatform} in production).
 */
interface Platform {

    OptionsParser parser();

    TimeSource time();

    Scheduler scheduler(TimeSource time);

    /** The daemon's log: syslog at --syslog, plus {@code stderr} with -B. */
    SyslogLog log(Options options, PrintStream stderr);

    /** The clock to discipline: the kernel's, or a no-op one under -m. */
    SystemClock clock(Options options, SyslogLog log);

    /** The -P store (only called with -P and without -m). */
    TimetrimStore timetrim(Options options, SyslogLog log);

    /** -Y: the year of the -P file's modification date. */
    OptionalInt timetrimYear(Options options, SyslogLog log);

    /** Opens -H or -C. */
    Reference reference(Options options, ReferenceConfig config, TimeSource time, Log log)
            throws MeasurementException;

    /** Opens one of several masters (-H repeated, or -H with -C). */
    Reference reference(Options.Master master, ReferenceConfig config, TimeSource time, Log log)
            throws MeasurementException;

    /** Runs {@code handler} whenever signal {@code name} ("TERM", "USR1") arrives. */
    void onSignal(String name, Runnable handler);

    /** Detached: standard output and error go to /dev/null once start-up has been reported. */
    void stdioToDevNull();

    /** Raises this thread's scheduling priority where allowed. */
    void raisePriority(SyslogLog log);

    // --- least privilege (-u): issue 9 item 6 ---

    /** -u: whom the daemon becomes once started; empty when it stays as it is (not root, or -u root). */
    Optional<Privileges.Account> privilegePlan(Options options, SyslogLog log)
            throws Privileges.NoSuchUser, Privileges.Failure;

    /** Footprint (issue 9 item 7): start-up is over; unmap the pages of read-only file mappings. */
    void releaseStartupPages(SyslogLog log);

    /** Becomes {@code account} in every thread, this thread keeping only CAP_SYS_TIME; checks the outcome. */
    void dropPrivileges(Options options, Privileges.Account account, SyslogLog log) throws Privileges.Failure;
}
