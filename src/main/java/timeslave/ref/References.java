package timeslave.ref;

import timeslave.log.Log;
import timeslave.time.TimeSource;

/**
 * Turns -H / -C into a {@link Reference}. -H forms: "host" (RFC 868 + ICMP, as IRIX),
 * "sntp:host[:port]", "tai:host[:port]". -C takes a tty path and -c picks the receiver.
 */
public final class References {
    private References() {
    }

    /** Opens the network reference named by {@code spec} (the -H argument). */
    public static Reference network(String spec, ReferenceConfig config, TimeSource time, Log log)
            throws MeasurementException {
        throw new MeasurementException(MeasurementException.Kind.LOCAL,
                "network references are not built yet: " + spec);
    }

    /** Opens the serial receiver on {@code tty} (the -C argument) of type {@code config.clockType()}. */
    public static Reference serial(String tty, ReferenceConfig config, TimeSource time, Log log)
            throws MeasurementException {
        return timeslave.ref.serial.SerialReference.create(tty, config, time, log);
    }
}
