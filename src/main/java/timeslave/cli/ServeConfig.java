package timeslave.cli;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import timeslave.serve.Serving;

/**
 * The serving options' values (issue 11): {@code [ADDR:]PORT} endpoints, the rate limit, and how
 * they appear in the start-up line. Errors are {@link UsageException}s listed in the manual.
 */
final class ServeConfig {
    /** RFC 5905's port. */
    static final int NTP_PORT = 123;
    /** taiclockd's port (0x0FAE). */
    static final int TAICLOCK_PORT = 4014;
    /** RFC 868's port. */
    static final int TIME_PORT = 37;
    /** One request a second per client, 32 banked: enough for a measurement burst of -T 16 probes twice over. */
    static final String DEFAULT_RATE_LIMIT = "1/32";
    static final String RATE_LIMIT_OFF = "off";
    static final BigDecimal MAX_RATE = new BigDecimal("1000000");
    static final BigDecimal MIN_RATE = new BigDecimal("0.001");
    static final int MAX_BURST = 1_000_000;

    private static final Pattern ENDPOINT = Pattern.compile("(?:(\\[[0-9A-Fa-f:.]+\\]|[^:\\[\\]]+):)?([0-9]{1,5})");
    private static final Pattern RATE = Pattern.compile("([0-9]{1,7}(?:\\.[0-9]{1,3})?)(?:/([0-9]{1,7}))?");

    private ServeConfig() {
    }

    /** Each {@code [ADDR:]PORT} value (empty: the wildcard address and {@code defaultPort}). */
    static List<InetSocketAddress> endpoints(List<String> values, String option, int defaultPort, String origin)
            throws UsageException {
        List<InetSocketAddress> out = new ArrayList<>();
        for (String v : values) {
            InetSocketAddress a = endpoint(v, option, defaultPort, origin);
            if (out.contains(a) && a.getPort() != 0) {
                throw new UsageException(origin + "--" + option + " " + v + " given twice");
            }
            out.add(a);
        }
        return List.copyOf(out);
    }

    private static InetSocketAddress endpoint(String v, String option, int defaultPort, String origin)
            throws UsageException {
        String rule = origin + "--" + option + " " + v
                + ": must be [ADDR:]PORT, PORT 0-65535 (0: any free port), ADDR an address of this host";
        if (v.isEmpty()) {
            return new InetSocketAddress(defaultPort);
        }
        Matcher mm = ENDPOINT.matcher(v);
        if (!mm.matches()) {
            throw new UsageException(rule);
        }
        int port = Integer.parseInt(mm.group(2));
        if (port > OptionsParser.MAX_PORT) {
            throw new UsageException(rule);
        }
        if (mm.group(1) == null) {
            return new InetSocketAddress(port);
        }
        String host = mm.group(1).startsWith("[") ? mm.group(1).substring(1, mm.group(1).length() - 1) : mm.group(1);
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new UsageException(rule);
        }
    }

    /** {requests a second, burst} of "RATE[/BURST]" or "off" ({0, 1}). */
    static double[] rateLimit(String v, String label) throws UsageException {
        if (v.equals(RATE_LIMIT_OFF)) {
            return new double[] {0, 1};
        }
        String rule = label + ": rate limit must be off or requests a second (" + MIN_RATE.toPlainString() + "-"
                + MAX_RATE.toPlainString() + "), optionally /BURST (1-" + MAX_BURST + ")";
        Matcher mm = RATE.matcher(v);
        if (!mm.matches()) {
            throw new UsageException(rule);
        }
        BigDecimal r = new BigDecimal(mm.group(1));
        int burst = mm.group(2) == null ? Serving.Config.DEFAULT_BURST : Integer.parseInt(mm.group(2));
        if (r.compareTo(MIN_RATE) < 0 || r.compareTo(MAX_RATE) > 0 || burst < 1 || burst > MAX_BURST) {
            throw new UsageException(rule);
        }
        return new double[] {r.doubleValue(), burst};
    }

    /** Adds the serving options in force to the start-up line's words. */
    static void describe(Serving.Config c, List<String> w) {
        for (InetSocketAddress a : c.ntp()) {
            w.add("--serve-ntp " + hostPort(a));
        }
        for (InetSocketAddress a : c.taiclock()) {
            w.add("--serve-taiclock " + hostPort(a));
        }
        for (InetSocketAddress a : c.time()) {
            w.add("--serve-time " + hostPort(a));
        }
        if (c.unsynchronised()) {
            w.add("--serve-unsynchronised");
        }
        if (c.trueTai()) {
            w.add("--serve-true-tai");
        }
        if (!c.ntp().isEmpty() || !c.taiclock().isEmpty() || !c.time().isEmpty()) {
            w.add("--serve-rate-limit " + (c.ratePerSecond() <= 0 ? RATE_LIMIT_OFF
                    : BigDecimal.valueOf(c.ratePerSecond()).stripTrailingZeros().toPlainString() + "/" + c.burst()));
        }
        c.clockboundShm().ifPresent(p -> w.add("--clockbound-shm " + p));
    }

    static String hostPort(InetSocketAddress a) {
        String h = a.getAddress().getHostAddress();
        return (h.contains(":") ? "[" + h + "]" : h) + ":" + a.getPort();
    }

}
