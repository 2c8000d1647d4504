package timeslave.ref.rfc868;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.time.Sample;
import timeslave.ref.ExternalServer;
import timeslave.ref.ListLog;
import timeslave.time.Reference;
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

    @Test
    @Timeout(60)
    void kernelIcmpAndInetdTimeGiveZeroOffset(@TempDir Path dir) throws Exception {
        assumeRawSocket();
        ListLog log = new ListLog(1);
        ReferenceConfig cfg = new ReferenceConfig(4, 16, 1_000_000_000L, 300_000_000L, ExternalServer.TIME_PORT, false,
                "PST_WWV", OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
        try (ExternalServer inetd = ExternalServer.inetdTime(dir)) {
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
}
