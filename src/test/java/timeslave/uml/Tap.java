package timeslave.uml;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;

/**
 * A host tap device for one User-Mode Linux guest, on a private /30 of 198.18.0.0/15 (RFC 2544's
 * benchmark range; never any other address): the host end is .1 of the /30, the guest .2, each
 * with a permanent neighbour entry for the other, IPv6 off, no route beyond the /30. Deleted on
 * close. Needs root and /dev/net/tun.
 */
public final class Tap implements AutoCloseable {
    /** 198.18.0.0/15 holds 2^15 /30s. */
    private static final int SUBNETS = 1 << 15;
    private static final AtomicInteger COUNTER = new AtomicInteger();

    public final String name;
    public final String hostIp;
    public final String guestIp;
    public final String hostMac;
    public final String guestMac;

    private Tap(String name, String hostIp, String guestIp, String hostMac, String guestMac) {
        this.name = name;
        this.hostIp = hostIp;
        this.guestIp = guestIp;
        this.hostMac = hostMac;
        this.guestMac = guestMac;
    }

    /** Skips the calling test unless taps can be made here. */
    public static void assumeTaps() {
        UmlGuest.assumeRunnable();
        Assumptions.assumeTrue(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun missing: no tap networking for a UML guest");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "ip(8) missing: cannot make a tap");
    }

    /** Makes a tap on a /30 no interface of this host uses yet. */
    public static Tap create() throws IOException, InterruptedException {
        String used = run(List.of("ip", "-o", "-4", "addr", "show"), false);
        int start = (int) ((ProcessHandle.current().pid() * 64 + COUNTER.getAndIncrement()) % SUBNETS);
        for (int k = 0; k < 64; k++) {
            int n = (start + k * 97) % SUBNETS;
            int base = (198 << 24) | (18 << 16) | (n << 2);
            String host = ip(base + 1);
            String guest = ip(base + 2);
            String name = "tsuml" + n;
            if (used.contains(" " + host + "/") || used.contains(" " + guest + "/") || Files.exists(Path.of("/sys/class/net", name))) {
                continue;
            }
            String hostMac = String.format("02:54:53:%02x:%02x:01", (n >> 8) & 0xff, n & 0xff);
            String guestMac = String.format("02:54:53:%02x:%02x:02", (n >> 8) & 0xff, n & 0xff);
            Tap tap = new Tap(name, host, guest, hostMac, guestMac);
            try {
                run(List.of("ip", "tuntap", "add", "dev", name, "mode", "tap"), true);
                Files.writeString(Path.of("/proc/sys/net/ipv6/conf", name, "disable_ipv6"), "1");
                run(List.of("ip", "link", "set", "dev", name, "address", hostMac), true);
                run(List.of("ip", "addr", "add", host + "/30", "dev", name), true);
                run(List.of("ip", "link", "set", "dev", name, "up"), true);
                run(List.of("ip", "neigh", "replace", guest, "lladdr", guestMac, "dev", name, "nud", "permanent"), true);
            } catch (IOException | RuntimeException e) {
                tap.close();
                throw e;
            }
            return tap;
        }
        throw new IOException("no free /30 in 198.18.0.0/15 found after 64 tries");
    }

    /** The guest's kernel command-line word for its vector network driver on this tap. */
    String guestDevice() {
        return "vec0:transport=tap,ifname=" + name + ",mac=" + guestMac;
    }

    /** What the guest's init script needs to configure its end (UML_NET). */
    String guestNet() {
        return guestIp + "/30 " + hostIp + " " + hostMac;
    }

    private static String ip(int a) {
        return ((a >>> 24) & 0xff) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    static String run(List<String> command, boolean mustSucceed) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException(command + " did not finish");
        }
        if (mustSucceed && p.exitValue() != 0) {
            throw new IOException(command + " exited " + p.exitValue() + ": " + out.strip());
        }
        return out;
    }

    @Override
    public void close() {
        try {
            if (Files.exists(Path.of("/sys/class/net", name))) {
                run(List.of("ip", "link", "delete", "dev", name), false);
            }
        } catch (IOException e) {
            System.err.println("could not delete tap " + name + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return name + " " + hostIp + " <-> " + guestIp;
    }
}
