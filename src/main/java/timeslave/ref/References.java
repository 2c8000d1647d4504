package timeslave.ref;

import timeslave.time.MeasurementException;
import timeslave.time.Reference;
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
        // Forms: "host" or "[v6]" (RFC 868 + ICMP; port from -p), "sntp:host[:port]" (123),
        // "tai:host[:port]" (4014, taiclockd's label = POSIX + 10 s), "taitrue:host[:port]" (4014,
        // true TAI labels converted with the leap-seconds.list). IPv6 literals go in brackets.
        int colon = spec.indexOf(':');
        String scheme = colon > 0 && spec.substring(0, colon).matches("[a-z]+") ? spec.substring(0, colon) : "";
        if (!scheme.isEmpty() && !java.util.Set.of("sntp", "tai", "taitrue").contains(scheme)) {
            throw new MeasurementException(MeasurementException.Kind.LOCAL, "bad -H '" + spec
                    + "': use host, sntp:host[:port], tai:host[:port] or taitrue:host[:port] (IPv6 in brackets)");
        }
        String rest = scheme.isEmpty() ? spec : spec.substring(colon + 1);
        String host;
        String portText = null;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0 || (close + 1 < rest.length() && rest.charAt(close + 1) != ':')) {
                throw new MeasurementException(MeasurementException.Kind.LOCAL, "bad -H '" + spec + "': unclosed '[' in IPv6 address");
            }
            host = rest.substring(1, close);
            portText = close + 1 < rest.length() ? rest.substring(close + 2) : null;
        } else {
            int c = rest.lastIndexOf(':');
            if (c >= 0 && rest.indexOf(':') != c) {
                throw new MeasurementException(MeasurementException.Kind.LOCAL, "bad -H '" + spec + "': put an IPv6 address in brackets");
            }
            host = c >= 0 ? rest.substring(0, c) : rest;
            portText = c >= 0 ? rest.substring(c + 1) : null;
        }
        if (host.isEmpty() || (scheme.isEmpty() && portText != null)) {
            throw new MeasurementException(MeasurementException.Kind.LOCAL, "bad -H '" + spec
                    + "': " + (host.isEmpty() ? "no host" : "the time service port is set with -p, not in -H"));
        }
        int port = switch (scheme) {
            case "sntp" -> timeslave.ref.sntp.SntpReference.DEFAULT_PORT;
            case "tai", "taitrue" -> timeslave.ref.taiclock.TaiclockReference.DEFAULT_PORT;
            default -> config.timePort();
        };
        if (portText != null) {
            try {
                port = Integer.parseInt(portText);
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port < 1 || port > 65535) {
                throw new MeasurementException(MeasurementException.Kind.LOCAL, "bad -H '" + spec + "': port '" + portText + "' is not 1..65535");
            }
        }
        java.net.InetAddress address;
        try {
            address = java.net.InetAddress.getByName(host);
        } catch (java.net.UnknownHostException e) {
            throw new MeasurementException(MeasurementException.Kind.UNREACHABLE, "cannot resolve " + host + ": " + e.getMessage(), e);
        }
        String hostPart = host.contains(":") ? "[" + host + "]" : host;
        String name = scheme.isEmpty() ? hostPart : scheme + ":" + hostPart + ":" + port;
        java.net.InetSocketAddress server = new java.net.InetSocketAddress(address, port);
        switch (scheme) {
            case "sntp":
                return new timeslave.ref.sntp.SntpReference(name, server, config, time, log);
            case "tai":
                return new timeslave.ref.taiclock.TaiclockReference(name, server,
                        timeslave.ref.taiclock.TaiScale.posixPlus10(), config, time, log);
            case "taitrue":
                timeslave.time.LeapSeconds table;
                try {
                    table = timeslave.os.LeapSecondsFile.read(config.leapSecondsFile());
                } catch (java.io.IOException e) {
                    throw new MeasurementException(MeasurementException.Kind.LOCAL, "cannot use leap-seconds file "
                            + config.leapSecondsFile() + ": " + timeslave.os.RegularFile.reason(e), e);
                } catch (timeslave.time.LeapSeconds.FormatException e) {
                    throw new MeasurementException(MeasurementException.Kind.LOCAL, "cannot use leap-seconds file "
                            + config.leapSecondsFile() + ": " + e.getMessage(), e);
                }
                if (table.expiredAt(Math.floorDiv(time.realtimeNanos(), 1_000_000_000L))) {
                    log.warning("leap-seconds file " + config.leapSecondsFile() + " expired on "
                            + java.time.Instant.ofEpochSecond(table.expiresPosixSeconds())
                            + "; TAI-UTC for " + name + " may miss a new leap second");
                }
                return new timeslave.ref.taiclock.TaiclockReference(name, server,
                        timeslave.ref.taiclock.TaiScale.trueTai(table), config, time, log);
            default:
                if (!(address instanceof java.net.Inet4Address v4)) {
                    throw new MeasurementException(MeasurementException.Kind.LOCAL, "-H " + spec
                            + ": ICMP timestamps need an IPv4 address (use sntp: for IPv6)");
                }
                return timeslave.ref.rfc868.Rfc868IcmpReference.open(name, v4, config, time, log);
        }
    }

    /** Opens the serial receiver on {@code tty} (the -C argument) of type {@code config.clockType()}. */
    public static Reference serial(String tty, ReferenceConfig config, TimeSource time, Log log)
            throws MeasurementException {
        return timeslave.ref.serial.SerialReference.create(tty, config, time, log);
    }
}
