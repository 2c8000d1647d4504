package timeslave.ref.rfc868;

import java.net.Inet4Address;
import java.net.InetAddress;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.sntp.SntpProbe;

/**
 * Runs the {@code -H host} reference (RFC 868 date + ICMP timestamps) alone and prints one
 * {@link timeslave.ref.OnceLine} per measurement:
 * {@code java -cp target/timeslave.jar:target/lib/* timeslave.ref.rfc868.HostProbe HOST [TIMEPORT [N]]}.
 * Needs root or CAP_NET_RAW for ICMP. Exit 0 if every measurement succeeded, 1 if any failed, 100 for usage.
 */
public final class HostProbe {
    private static final int EXIT_USAGE = 100;

    private HostProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 3) {
            System.err.println("usage: HostProbe HOST [TIMEPORT [COUNT]]");
            System.exit(EXIT_USAGE);
        }
        InetAddress address = InetAddress.getByName(args[0]);
        if (!(address instanceof Inet4Address v4)) {
            System.err.println("HostProbe: ICMP timestamps need an IPv4 address");
            System.exit(EXIT_USAGE);
            return;
        }
        ReferenceConfig d = ReferenceConfig.defaults();
        int timePort = args.length > 1 ? Integer.parseInt(args[1]) : d.timePort();
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        ReferenceConfig config = new ReferenceConfig(d.minTrials(), d.maxTrials(), d.probeWaitNanos(), d.dateWaitNanos(),
                timePort, d.quiet(), d.clockType(), d.forcedYear(), d.leapSecondsFile());
        try (Rfc868IcmpReference ref = Rfc868IcmpReference.open(args[0], v4, config, new SntpProbe.JdkTime(), SntpProbe.stderrLog())) {
            System.exit(SntpProbe.run(ref, count));
        }
    }
}
