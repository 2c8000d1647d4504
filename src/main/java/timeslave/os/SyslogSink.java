package timeslave.os;

import timeslave.log.Priority;

/** Where {@link SyslogLog} sends each message: {@link Syslog} in production, a list in tests. */
public interface SyslogSink {
    void send(Priority priority, String message);

    /** A sink that drops everything (--once: stderr only). */
    SyslogSink NONE = (p, m) -> {
    };
}
