package timeslave.ref;

import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import timeslave.ref.rfc868.Rfc868IcmpReference;
import timeslave.ref.sntp.SntpReference;
import timeslave.ref.taiclock.TaiclockReference;

/** -H spec parsing: the forms, their default ports, the names --once prints, and the refusals. */
class ReferencesNetworkTest {
    private final ListLog log = new ListLog(0);
    private final WallTime wall = new WallTime(0);

    private Reference open(String spec) throws MeasurementException {
        return References.network(spec, ReferenceConfig.defaults(), wall, log);
    }

    private String name(String spec) throws Exception {
        try (Reference r = open(spec)) {
            return r.name();
        }
    }

    @Test
    void formsAndDefaultPorts() throws Exception {
        assertEquals("sntp:127.0.0.1:123", name("sntp:127.0.0.1"));
        assertEquals("sntp:127.0.0.1:11123", name("sntp:127.0.0.1:11123"));
        assertEquals("sntp:[::1]:123", name("sntp:[::1]"));
        assertEquals("sntp:[::1]:1234", name("sntp:[::1]:1234"));
        assertEquals("tai:localhost:4014", name("tai:localhost"));
        try (Reference r = open("sntp:localhost")) {
            assertInstanceOf(SntpReference.class, r);
        }
        try (Reference r = open("tai:127.0.0.1:5000")) {
            assertInstanceOf(TaiclockReference.class, r);
        }
        try (Reference r = open("127.0.0.1")) {
            assertInstanceOf(Rfc868IcmpReference.class, r);
            assertEquals("127.0.0.1", r.name());
        }
    }

    @Test
    void trueTaiReadsTheLeapSecondsFile() throws Exception {
        ReferenceConfig withFile = new ReferenceConfig(4, 16, 1, 1, 37, false, "x", OptionalInt.empty(),
                Path.of("etc/leap-seconds.list"));
        try (Reference r = References.network("taitrue:127.0.0.1", withFile, wall, log)) {
            assertEquals("taitrue:127.0.0.1:4014", r.name());
        }
        ReferenceConfig missing = new ReferenceConfig(4, 16, 1, 1, 37, false, "x", OptionalInt.empty(),
                Path.of("no/such/leap-seconds.list"));
        var e = assertThrows(MeasurementException.class, () -> References.network("taitrue:127.0.0.1", missing, wall, log));
        assertEquals(MeasurementException.Kind.LOCAL, e.kind);
        assertTrue(e.getMessage().startsWith("cannot use leap-seconds file no/such/leap-seconds.list"), e.getMessage());
    }

    @Test
    void badSpecsAreRefusedWithAReason() {
        String[][] cases = {
            {"ntp:host", "use host, sntp:host[:port]"},
            {"sntp:", "no host"},
            {"sntp:127.0.0.1:0", "port '0' is not 1..65535"},
            {"sntp:127.0.0.1:x", "port 'x' is not 1..65535"},
            {"sntp:::1", "put an IPv6 address in brackets"},
            {"sntp:[::1", "unclosed '['"},
            {"127.0.0.1:37", "set with -p"},
            {"[::1]", "ICMP timestamps need an IPv4 address"},
        };
        for (String[] c : cases) {
            var e = assertThrows(MeasurementException.class, () -> open(c[0]), c[0]);
            assertTrue(e.getMessage().contains(c[1]), c[0] + " → " + e.getMessage());
        }
        assertEquals(MeasurementException.Kind.UNREACHABLE,
                assertThrows(MeasurementException.class, () -> open("sntp:no-such-host.invalid")).kind);
    }
}
