package timeslave.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import timeslave.ref.rfc868.IcmpTimestamp;
import timeslave.ref.rfc868.TimeProtocol;
import timeslave.ref.sntp.BadReply;
import timeslave.ref.sntp.NtpPacket;
import timeslave.time.Epochs;

/** Decodes the real replies recorded by scripts/record-net-fixtures (test-fixtures/net/, see its README). */
class NetFixturesTest {
    private static final HexFormat HEX = HexFormat.of();

    /** A fixture file: "key value" lines, # comments. */
    static Map<String, String> fixture(String name) throws IOException {
        Map<String, String> m = new HashMap<>();
        for (String line : Files.readAllLines(Path.of("test-fixtures/net", name))) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] kv = line.split(" ", 2);
                m.put(kv[0], kv[1].strip());
            }
        }
        return m;
    }

    @Test
    void chronydReplyUnderFaketimeDecodesToPlus2500ms() throws Exception {
        Map<String, String> f = fixture("chronyd-faketime-2.5s.txt");
        byte[] request = HEX.parseHex(f.get("request"));
        long nonce = Long.parseUnsignedLong(f.get("request").substring(80), 16);
        NtpPacket p = NtpPacket.decodeReply(HEX.parseHex(f.get("reply")), nonce);
        assertEquals(4, p.version());
        assertEquals(1, p.stratum());
        assertEquals(0, p.leap());
        assertEquals(48, request.length);
        long t1 = Long.parseLong(f.get("t1_ns"));
        long t4 = Long.parseLong(f.get("t4_ns"));
        long t2 = Epochs.posixNanosFromNtp64(p.receive(), t1);
        long t3 = Epochs.posixNanosFromNtp64(p.transmit(), t1);
        long offset = ((t2 - t1) + (t3 - t4)) / 2;
        assertEquals(2_500_000_000L, offset, 1_000_000L, "offset from the recorded reply");
        assertTrue(t3 >= t2);
    }

    @Test
    void chronydReplyIsRefusedForAnyOtherNonce() throws Exception {
        Map<String, String> f = fixture("chronyd-faketime-2.5s.txt");
        long nonce = Long.parseUnsignedLong(f.get("request").substring(80), 16);
        try {
            NtpPacket.decodeReply(HEX.parseHex(f.get("reply")), nonce + 1);
            throw new AssertionError("accepted a reply to someone else's request");
        } catch (BadReply expected) {
            assertEquals("wrong-origin", expected.reason);
        }
    }

    @Test
    void inetdUdpTimeReplyIsWithinASecondOfItsExchange() throws Exception {
        Map<String, String> f = fixture("inetd-time-udp.txt");
        assertEquals(0, HEX.parseHex(f.get("request")).length - TimeProtocol.MESSAGE_BYTES);
        long t1 = Long.parseLong(f.get("t1_ns"));
        long t4 = Long.parseLong(f.get("t4_ns"));
        long server = TimeProtocol.decode(HEX.parseHex(f.get("reply")), t1 / Epochs.NANOS_PER_SECOND);
        assertTrue(server >= Math.floorDiv(t1, Epochs.NANOS_PER_SECOND) && server <= t4 / Epochs.NANOS_PER_SECOND);
    }

    @Test
    void inetdTimeReplyIsWithinASecondOfItsExchange() throws Exception {
        Map<String, String> f = fixture("inetd-time-tcp.txt");
        long t1 = Long.parseLong(f.get("t1_ns"));
        long t4 = Long.parseLong(f.get("t4_ns"));
        long server = TimeProtocol.decode(HEX.parseHex(f.get("reply")), t1 / Epochs.NANOS_PER_SECOND);
        assertTrue(server >= Math.floorDiv(t1, Epochs.NANOS_PER_SECOND) && server <= t4 / Epochs.NANOS_PER_SECOND,
                "server second " + server + " between " + t1 + " and " + t4);
    }

    @Test
    void kernelIcmpReplyParsesAndEchoesOurRequest() throws Exception {
        Map<String, String> f = fixture("kernel-icmp-timestamp.txt");
        byte[] request = HEX.parseHex(f.get("request"));
        assertEquals(0, IcmpTimestamp.checksum(request, 0, request.length), "the recorded request's checksum");
        IcmpTimestamp r = IcmpTimestamp.parse(HEX.parseHex(f.get("reply")));
        assertEquals("127.0.0.1", r.source().getHostAddress());
        assertEquals(((request[4] & 0xFF) << 8) | (request[5] & 0xFF), r.id());
        assertEquals(1, r.sequence());
        assertEquals(r.receive(), r.transmit(), "Linux stamps receive and transmit alike");
        long t1 = Long.parseLong(f.get("t1_ns"));
        long t4 = Long.parseLong(f.get("t4_ns"));
        long serverNanosOfDay = r.receive() * Epochs.NANOS_PER_MILLI;
        assertTrue(serverNanosOfDay >= Epochs.nanosOfUtDay(t1) - Epochs.NANOS_PER_MILLI
                && serverNanosOfDay <= Epochs.nanosOfUtDay(t4), "kernel stamp between our send and receive (truncated ms)");
    }
}
