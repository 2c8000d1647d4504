package timeslave.ref.rfc868;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import timeslave.ref.sntp.BadReply;

/**
 * ICMP Timestamp (type 13) and Timestamp Reply (type 14) messages (RFC 792, PROTOCOLS.md §2), as
 * sent on and read from a raw IPv4 socket (replies include the IP header). Pure: no I/O, no clock.
 *
 * @param source    the IPv4 source address from the IP header
 * @param type      13 request, 14 reply
 * @param id        identifier
 * @param sequence  sequence number
 * @param originate ms of the UT day when the requester sent it
 * @param receive   ms of the UT day when the echoer received it
 * @param transmit  ms of the UT day when the echoer sent the reply
 */
public record IcmpTimestamp(Inet4Address source, int type, int id, int sequence, long originate, long receive,
                            long transmit) {
    public static final int TYPE_REQUEST = 13;
    public static final int TYPE_REPLY = 14;
    public static final int MESSAGE_BYTES = 20;
    static final int MIN_IP_HEADER_BYTES = 20;
    /** RFC 792: bit 31 set means the field is not ms since midnight UT ("non-standard"). */
    public static final long NON_STANDARD_BIT = 0x8000_0000L;
    public static final long MILLIS_PER_DAY = 86_400_000L;

    /** A Timestamp request with the checksum filled in; receive and transmit are 0. */
    public static byte[] request(int id, int sequence, long originateMillis) {
        byte[] b = new byte[MESSAGE_BYTES];
        b[0] = TYPE_REQUEST;
        put16(b, 4, id);
        put16(b, 6, sequence);
        put32(b, 8, originateMillis);
        put16(b, 2, checksum(b, 0, b.length));
        return b;
    }

    /** The Internet checksum (RFC 1071): one's complement of the one's-complement sum of 16-bit words. */
    public static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) {
            sum += ((b[off + i] & 0xFF) << 8) | (b[off + i + 1] & 0xFF);
        }
        if ((len & 1) != 0) {
            sum += (b[off + len - 1] & 0xFF) << 8;
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    /**
     * Parses a raw-socket datagram (IPv4 header + ICMP) holding a Timestamp Reply.
     *
     * @throws BadReply truncated, not-ipv4, wrong-type (including our own type 13 request seen on
     *                  loopback), oversized, bad-checksum, non-standard (bit 31 set in receive or transmit)
     */
    public static IcmpTimestamp parse(byte[] datagram) throws BadReply {
        if (datagram.length < MIN_IP_HEADER_BYTES) {
            throw new BadReply("truncated", datagram.length + " bytes, shorter than an IP header");
        }
        if ((datagram[0] >> 4 & 0xF) != 4) {
            throw new BadReply("not-ipv4", "IP version " + (datagram[0] >> 4 & 0xF));
        }
        int ihl = (datagram[0] & 0xF) * 4;
        if (ihl < MIN_IP_HEADER_BYTES || datagram.length < ihl + 8) {
            throw new BadReply("truncated", datagram.length + " bytes with a " + ihl + "-byte IP header");
        }
        int type = datagram[ihl] & 0xFF;
        if (type != TYPE_REPLY) {
            throw new BadReply("wrong-type", "ICMP type " + type);
        }
        int icmpLength = datagram.length - ihl;
        if (icmpLength < MESSAGE_BYTES) {
            throw new BadReply("truncated", icmpLength + " ICMP bytes, want " + MESSAGE_BYTES);
        }
        if (icmpLength > MESSAGE_BYTES) {
            throw new BadReply("oversized", icmpLength + " ICMP bytes, want " + MESSAGE_BYTES);
        }
        if (checksum(datagram, ihl, MESSAGE_BYTES) != 0) {
            throw new BadReply("bad-checksum", "ICMP checksum does not verify");
        }
        Inet4Address source;
        try {
            source = (Inet4Address) InetAddress.getByAddress(java.util.Arrays.copyOfRange(datagram, 12, 16));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are always an IPv4 address", e);
        }
        IcmpTimestamp t = new IcmpTimestamp(source, type, get16(datagram, ihl + 4), get16(datagram, ihl + 6),
                get32(datagram, ihl + 8), get32(datagram, ihl + 12), get32(datagram, ihl + 16));
        if ((t.receive & NON_STANDARD_BIT) != 0 || (t.transmit & NON_STANDARD_BIT) != 0) {
            throw new BadReply("non-standard", String.format("bit 31 set: receive %08x transmit %08x", t.receive, t.transmit));
        }
        if (t.receive >= MILLIS_PER_DAY || t.transmit >= MILLIS_PER_DAY) {
            throw new BadReply("non-standard", "receive " + t.receive + " or transmit " + t.transmit + " ms beyond one day");
        }
        return t;
    }

    /** Builds a reply datagram with a 20-byte IPv4 header from {@code source} (for tests and fixtures). */
    public static byte[] replyDatagram(byte[] source4, int id, int sequence, long originate, long receive, long transmit) {
        byte[] b = new byte[MIN_IP_HEADER_BYTES + MESSAGE_BYTES];
        b[0] = 0x45;
        put16(b, 2, b.length);
        b[8] = 64;
        b[9] = 1;
        System.arraycopy(source4, 0, b, 12, 4);
        b[16] = 127;
        b[19] = 1;
        put16(b, 10, checksum(b, 0, MIN_IP_HEADER_BYTES));
        int o = MIN_IP_HEADER_BYTES;
        b[o] = TYPE_REPLY;
        put16(b, o + 4, id);
        put16(b, o + 6, sequence);
        put32(b, o + 8, originate);
        put32(b, o + 12, receive);
        put32(b, o + 16, transmit);
        put16(b, o + 2, checksum(b, o, MESSAGE_BYTES));
        return b;
    }

    static int get16(byte[] b, int off) {
        return ((b[off] & 0xFF) << 8) | (b[off + 1] & 0xFF);
    }

    static long get32(byte[] b, int off) {
        return ((b[off] & 0xFFL) << 24) | ((b[off + 1] & 0xFFL) << 16) | ((b[off + 2] & 0xFFL) << 8) | (b[off + 3] & 0xFFL);
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    static void put32(byte[] b, int off, long v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }
}
