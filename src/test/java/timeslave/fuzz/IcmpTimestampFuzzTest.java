package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import timeslave.ref.rfc868.IcmpTimestamp;
import timeslave.ref.sntp.BadReply;

/**
 * Fuzzes the raw-socket ICMP Timestamp Reply parser, IP header skip included ({@link IcmpTimestamp#parse}).
 * Seeds: test-fixtures/net/kernel-icmp-timestamp.txt (the kernel's reply datagram, and the same
 * reply behind a 24-byte IP header with options).
 */
class IcmpTimestampFuzzTest {

    @FuzzTest
    void parse(byte[] datagram) {
        IcmpTimestamp t;
        try {
            t = IcmpTimestamp.parse(datagram);
        } catch (BadReply bad) {
            FuzzSupport.assertWellFormed(bad);
            return;
        }
        assertEquals(4, (datagram[0] & 0xFF) >> 4, "IP version");
        int ihl = (datagram[0] & 0xF) * 4;
        assertTrue(ihl >= 20, "IP header of " + ihl + " bytes");
        assertEquals(ihl + IcmpTimestamp.MESSAGE_BYTES, datagram.length, "exactly one ICMP timestamp message");
        assertEquals(IcmpTimestamp.TYPE_REPLY, t.type());
        assertEquals(0, IcmpTimestamp.checksum(datagram, ihl, IcmpTimestamp.MESSAGE_BYTES), "checksum verifies");
        assertArrayEquals(Arrays.copyOfRange(datagram, 12, 16), t.source().getAddress(), "source address");
        assertTrue(t.receive() >= 0 && t.receive() < IcmpTimestamp.MILLIS_PER_DAY, "receive " + t.receive());
        assertTrue(t.transmit() >= 0 && t.transmit() < IcmpTimestamp.MILLIS_PER_DAY, "transmit " + t.transmit());
        assertTrue(t.originate() >= 0 && t.originate() <= 0xFFFF_FFFFL);
        // Re-encoded behind a plain 20-byte header, identifier to transmit come back byte for byte.
        byte[] again = IcmpTimestamp.replyDatagram(t.source().getAddress(), t.id(), t.sequence(), t.originate(),
                t.receive(), t.transmit());
        assertArrayEquals(Arrays.copyOfRange(datagram, ihl + 4, datagram.length), Arrays.copyOfRange(again, 24, again.length),
                "decode then encode");
    }
}
