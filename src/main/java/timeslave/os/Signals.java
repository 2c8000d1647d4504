package timeslave.os;

import sun.misc.Signal;

/**
 * POSIX signal handlers through sun.misc.Signal (module jdk.unsupported: the JDK has no public API
 * for SIGUSR1/SIGUSR2). Each delivery runs its handler on a thread of its own.
 */
public final class Signals {
    private Signals() {
    }

    /**
     * Runs {@code handler} on every delivery of signal {@code name} ("TERM", "INT", "USR1", "USR2").
     *
     * @throws IllegalArgumentException if the JVM reserves the signal
     */
    public static void handle(String name, Runnable handler) {
        Signal.handle(new Signal(name), s -> handler.run());
    }
}
