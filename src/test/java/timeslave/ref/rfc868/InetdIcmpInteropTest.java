package timeslave.ref.rfc868;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.core.Sample;
import timeslave.ref.ExternalServer;
import timeslave.ref.ListLog;
import timeslave.ref.Reference;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.References;
import timeslave.ref.WallTime;

/**
 * Interop for {@code -H 127.0.0.1}: the date from openbsd-inetd's internal RFC 868 "time" service on
 * 127.0.0.1:37 and ICMP timestamps answered by the Linux kernel itself. Both read this machine's clock,
 * so the offset must be 0 within 1 ms. openbsd-inetd drops UDP datagrams from 127/8 (its anti-spoofing
 * check), so on loopback the date comes through our TCP fallback.
 */
class InetdIcmpInteropTest {
    static final String INETD = "/usr/sbin/inetd";
    static final int TIME_PORT = 37;

    @Test
    @Timeout(60)
    void kernelIcmpAndInetdTimeGiveZeroOffset(@TempDir Path dir) throws Exception {
        ExternalServer.assumeBinary(INETD);
        assumeRawSocket();
        Assumptions.assumeFalse(listening(TIME_PORT), "127.0.0.1:37 already in use; cannot start inetd's time service");
        Files.writeString(dir.resolve("inetd.conf"), "127.0.0.1:time stream tcp nowait root internal\n"
                + "127.0.0.1:time dgram udp wait root internal\n");
        ListLog log = new ListLog(1);
        ReferenceConfig cfg = new ReferenceConfig(4, 16, 1_000_000_000L, 300_000_000L, TIME_PORT, false, "PST_WWV",
                OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
        try (ExternalServer inetd = ExternalServer.start(dir, Map.of(), List.of(INETD, "-d", "-i", dir.resolve("inetd.conf").toString()))) {
            for (int i = 0; i < 50 && !listening(TIME_PORT); i++) {
                assertTrue(inetd.alive(), "inetd exited: " + inetd.output());
                Thread.sleep(50);
            }
            try (Reference ref = References.network("127.0.0.1", cfg, new WallTime(0), log)) {
                Sample s = ref.measure();
                System.out.println("inetd time + kernel ICMP: " + timeslave.ref.OnceLine.format(s));
                assertTrue(Math.abs(s.offsetNanos()) < 1_000_000L, "offset " + s + "\n" + log.lines);
                assertEquals(0, log.count("no date"), "inetd gave the date: " + log.lines);
                assertTrue(s.errorNanos() >= 1_000_000L && s.errorNanos() < 5_000_000L, "bound " + s);
            }
        }
    }

    static void assumeRawSocket() {
        try {
            RawIcmpSocket.open(new WallTime(0)).close();
        } catch (IOException e) {
            Assumptions.abort("no raw ICMP socket (needs root or CAP_NET_RAW): " + e.getMessage());
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
