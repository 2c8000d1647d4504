package timeslave.ref.rfc868;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import timeslave.ref.sntp.BadReply;
import timeslave.ref.sntp.Probe;
import timeslave.time.Epochs;

class IcmpTimestampTest {
    private static final HexFormat HEX = HexFormat.of();
    /** PROTOCOLS.md §2 example. */
    private static final String REQUEST = "0D00B1821234000102B32C950000000000000000";
    private static final String REPLY = "0E0049F91234000102B32C9502B3309102B33092";
    private static final String IP_HEADER = "45000028000000004001" + "0000" + "7F000001" + "7F000001";

    private static byte[] datagram(String icmpHex) {
        return HEX.parseHex(IP_HEADER + icmpHex);
    }

    @Test
    void requestBytesMatchTheExample() {
        assertArrayEquals(HEX.parseHex(REQUEST), IcmpTimestamp.request(0x1234, 1, 45_296_789L));
        assertEquals(0, IcmpTimestamp.checksum(HEX.parseHex(REQUEST), 0, 20));
        assertEquals(0, IcmpTimestamp.checksum(HEX.parseHex(REPLY), 0, 20));
    }

    @Test
    void exampleReplyParsesAndGivesTheExampleOffset() throws BadReply {
        IcmpTimestamp r = IcmpTimestamp.parse(datagram(REPLY));
        assertEquals(0x1234, r.id());
        assertEquals(1, r.sequence());
        assertEquals(45_296_789L, r.originate());
        assertEquals(45_297_809L, r.receive());
        assertEquals(45_297_810L, r.transmit());
        assertEquals("127.0.0.1", r.source().getHostAddress());
        long day = 1_704_067_200L * Epochs.NANOS_PER_SECOND;            // some midnight UT
        long t1 = day + 45_296_789L * Epochs.NANOS_PER_MILLI;
        long t4 = day + 45_296_829L * Epochs.NANOS_PER_MILLI;
        Probe p = Rfc868IcmpReference.probe(r, t1, 0, t4, 40_000_000L);
        // IRIX: (out − back)/2 = +1000.5 ms; we read r and t as the middle of their ms: +0.5 ms more.
        assertEquals(1_000_500_000L + Rfc868IcmpReference.ICMP_HALF_MS_NANOS, p.offsetNanos());
        assertEquals(39_000_000L, p.delayNanos());
    }

    @Test
    void midnightBetweenRequestAndReplyIsWrapped() throws BadReply {
        long day = 1_704_067_200L * Epochs.NANOS_PER_SECOND;
        long t1 = day - 2 * Epochs.NANOS_PER_MILLI;                      // 23:59:59.998 of the previous day
        long t4 = day + 2 * Epochs.NANOS_PER_MILLI;                      // 00:00:00.002
        byte[] d = IcmpTimestamp.replyDatagram(new byte[] {127, 0, 0, 1}, 7, 9, 86_399_998L, 86_399_999L, 0L);
        Probe p = Rfc868IcmpReference.probe(IcmpTimestamp.parse(d), t1, 0, t4, 0);
        assertEquals(0, p.offsetNanos(), 1_000_000);
        assertEquals(3_000_000L, p.delayNanos());
    }

    private static String reason(byte[] d) {
        return assertThrows(BadReply.class, () -> IcmpTimestamp.parse(d)).reason;
    }

    @Test
    void eachBadDatagramHasItsOwnReason() {
        byte[] good = datagram(REPLY);
        assertEquals("truncated", reason(Arrays.copyOf(good, 19)));
        assertEquals("truncated", reason(Arrays.copyOf(good, 36)));
        assertEquals("oversized", reason(Arrays.copyOf(good, 41)));
        assertEquals("wrong-type", reason(datagram(REQUEST)));      // our own request, seen on loopback
        byte[] v6 = good.clone();
        v6[0] = 0x65;
        assertEquals("not-ipv4", reason(v6));
        byte[] corrupt = good.clone();
        corrupt[39] ^= 1;
        assertEquals("bad-checksum", reason(corrupt));
        byte[] nonStandard = IcmpTimestamp.replyDatagram(new byte[] {127, 0, 0, 1}, 1, 1, 5, 0x8000_0005L, 0x8000_0005L);
        assertEquals("non-standard", reason(nonStandard));
        byte[] beyondDay = IcmpTimestamp.replyDatagram(new byte[] {127, 0, 0, 1}, 1, 1, 5, 86_400_000L, 86_400_000L);
        assertEquals("non-standard", reason(beyondDay));
        byte[] reversed = IcmpTimestamp.replyDatagram(new byte[] {127, 0, 0, 1}, 1, 1, 5, 10, 9);
        assertEquals("reversed", assertThrows(BadReply.class,
                () -> Rfc868IcmpReference.probe(IcmpTimestamp.parse(reversed), 0, 0, 1, 1)).reason);
    }

    @Test
    void combineJoinsDateAndTimeOfDay() {
        long ms = Epochs.NANOS_PER_MILLI;
        // PROTOCOLS.md §3: coarse −86 401 s, fine −1000.5 ms → −86 401 000.5 ms.
        assertEquals(-86_401_000_500_000L, Rfc868IcmpReference.combine(-86_401L * Epochs.NANOS_PER_SECOND, -1_000_500_000L));
        assertEquals(2 * ms, Rfc868IcmpReference.combine(Epochs.NANOS_PER_SECOND / 2, 2 * ms));
        assertEquals(3 * Epochs.NANOS_PER_DAY - 5 * ms, Rfc868IcmpReference.combine(3 * Epochs.NANOS_PER_DAY, -5 * ms));
    }

    @Test
    void originateIsRoundedMsOfTheDay() {
        long day = 1_704_067_200L * Epochs.NANOS_PER_SECOND;
        assertEquals(45_296_789L, Rfc868IcmpReference.originateMillis(day + 45_296_788_600_000L));
        assertEquals(0L, Rfc868IcmpReference.originateMillis(day - 100_000L));
    }
}
