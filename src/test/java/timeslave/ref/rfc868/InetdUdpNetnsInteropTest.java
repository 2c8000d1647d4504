package timeslave.ref.rfc868;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.ref.ExternalServer;

/**
 * Interop over UDP, the IRIX path: openbsd-inetd ignores UDP from 127/8, so inetd and our
 * {@link HostProbe} run together in a private network namespace ({@code unshare -n}, which vanishes
 * with its processes) where the master is 10.231.0.1 on that namespace's own loopback. Its RFC 868 time
 * is configured for UDP only, so the date must come over UDP; ICMP is answered by the kernel.
 */
class InetdUdpNetnsInteropTest {
    /** How long inetd may live inside the namespace, whatever happens to the test. */
    private static final int INETD_LIFETIME_SECONDS = 30;
    private static final long PROBE_WAIT_SECONDS = 40;

    @Test
    @Timeout(60)
    void udpDateAndKernelIcmpInAPrivateNamespaceGiveZeroOffset(@TempDir Path dir) throws Exception {
        ExternalServer.assumeBinary(ExternalServer.INETD);
        ExternalServer.assumeBinary("/usr/bin/unshare");
        ExternalServer.assumeBinary("/usr/sbin/ip");
        InetdIcmpInteropTest.assumeRawSocket();
        Files.writeString(dir.resolve("inetd.conf"), "10.231.0.1:time dgram udp wait root internal\n");
        String java = ProcessHandle.current().info().command().orElse("java");
        Files.writeString(dir.resolve("run.sh"), String.join("\n",
                "set -e",
                "ip link set lo up",
                "ip addr add 10.231.0.1/32 dev lo",
                "timeout " + INETD_LIFETIME_SECONDS + " " + timeslave.ref.ExternalServer.INETD + " -d -i " + dir.resolve("inetd.conf") + " > " + dir.resolve("inetd.out") + " 2>&1 &",
                "p=$!",
                "trap 'kill $p 2>/dev/null || true; wait $p 2>/dev/null || true' EXIT",
                "sleep 0.5",
                "'" + java + "' -cp '" + System.getProperty("java.class.path") + "' timeslave.ref.rfc868.HostProbe 10.231.0.1 37 1",
                ""));
        Process p = new ProcessBuilder(List.of("/usr/bin/unshare", "-n", "sh", dir.resolve("run.sh").toString()))
                .redirectOutput(dir.resolve("probe.out").toFile()).redirectError(dir.resolve("probe.err").toFile()).start();
        if (!p.waitFor(PROBE_WAIT_SECONDS, TimeUnit.SECONDS)) {
            p.toHandle().destroyForcibly();
            throw new AssertionError("HostProbe did not finish in " + PROBE_WAIT_SECONDS + " s");
        }
        String out = Files.readString(dir.resolve("probe.out"));
        String err = Files.readString(dir.resolve("probe.err"));
        Assumptions.assumeFalse(err.contains("Operation not permitted") && out.isEmpty(),
                "cannot create a network namespace here: " + err);
        System.out.println("inetd time over UDP + kernel ICMP in a namespace: " + out.strip());
        assertEquals(0, p.exitValue(), "stdout: " + out + "\nstderr: " + err);
        assertTrue(!err.contains("no date"), "the date came over UDP: " + err);
        long offsetNanos = Math.round(Double.parseDouble(out.split("\\s+")[0].substring("offset=".length())) * 1e9);
        assertTrue(Math.abs(offsetNanos) < 1_000_000L, out);
    }
}
