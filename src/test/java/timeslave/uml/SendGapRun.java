package timeslave.uml;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Experiment runner (scripts/uml-send-gap, never the suite; needs root, linux.uml and /dev/net/tun): boots
 * a guest on a tap with a master on the host end and runs, with the daemon's JVM flags,
 * {@link timeslave.os.SendGapExperiment} (unconnected, then connected socket) and
 * {@link timeslave.ref.sntp.UdpPortExperiment} (the daemon's own port) in it, printing their lines: how
 * long after the user-space clock reading the datagram entered the device queue, by the guest kernel's
 * own stamp, and each exchange's delay and offset.
 *
 * <p>Arguments: {@code [ROUNDS [PAUSE_MS]]}.
 */
public final class SendGapRun {
    private SendGapRun() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        long pause = args.length > 1 ? Long.parseLong(args[1]) : 2000;
        String daemon = GuestCommands.timeslave();
        String java = GuestCommands.testJava();
        Path work = Files.createDirectories(Path.of("target", "send-gap"));
        try (Tap tap = Tap.create(); TapMaster master = TapMaster.start(Files.createTempDirectory(work.toAbsolutePath(), "m"), tap, false)) {
            String prefix = System.getProperty("gap.prefix", "");
            String hostArgs = master.address().getHostString() + " " + master.address().getPort() + " " + rounds + " " + pause;
            String port = java + " timeslave.ref.sntp.UdpPortExperiment " + hostArgs + " >> gap.out 2>&1\n";
            // -Dgap.port-only=true: only the daemon's own port (one third of the time, for long pauses).
            // -Dgap.daemon=true: the daemon itself, measuring only, one request every 5 s, for 120 s (its syscalls under strace).
            String run = Boolean.getBoolean("gap.daemon") ? prefix + "timeout 120 " + daemon + " -B -d -m -H sntp:"
                    + master.address().getHostString() + ":" + master.address().getPort() + " -r 5 -t 1 --syslog none >> gap.out 2>&1\n"
                    : Boolean.getBoolean("gap.port-only") ? prefix + port
                    : prefix + java + " timeslave.os.SendGapExperiment " + hostArgs + " block >> gap.out 2>&1\n"
                    + java + " timeslave.os.SendGapExperiment " + hostArgs + " connblock >> gap.out 2>&1\n" + port;
            try (UmlGuest g = UmlGuest.boot(new UmlGuest.Spec(run).tap(tap))) {
                g.waitFor(3 * rounds * (pause / 1000 + 1) + 60);
                System.out.print(g.read("gap.out"));
            }
        }
    }
}
