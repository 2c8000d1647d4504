package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import timeslave.ref.sntp.BadReply;
import timeslave.ref.sntp.NtpPacket;
import timeslave.time.Epochs;

/**
 * Fuzzes the SNTP reply decoder ({@link NtpPacket#decodeReply}): every datagram is either a packet
 * that passed every documented check or a {@link BadReply}; never another exception.
 * Seeds: test-fixtures/net/chronyd-faketime-2.5s.txt (see {@link SeedCorpus}).
 */
class NtpPacketFuzzTest {
    /** The pivot of the era choice: the chronyd fixture's t1 (2026-11-21). */
    private static final long T1_NANOS = 1_795_237_953_871_350_752L;

    @FuzzTest
    void decodeReply(byte[] reply) {
        // The outstanding nonce is the packet's own origin field, so the fuzzer gets past the origin check.
        long nonce = reply.length >= 32 ? getLong(reply, 24) : 0x0123_4567_89ab_cdefL;
        NtpPacket p;
        try {
            p = NtpPacket.decodeReply(reply, nonce);
        } catch (BadReply bad) {
            FuzzSupport.assertWellFormed(bad);
            return;
        }
        assertTrue(reply.length >= NtpPacket.HEADER_BYTES && reply.length <= NtpPacket.MAX_REPLY_BYTES,
                reply.length + " bytes accepted");
        assertEquals(NtpPacket.MODE_SERVER, p.mode());
        assertTrue(p.version() >= 1 && p.version() <= NtpPacket.VERSION, "version " + p.version());
        assertNotEquals(0L, nonce);
        assertEquals(nonce, p.origin());
        assertArrayEquals(Arrays.copyOf(reply, NtpPacket.HEADER_BYTES), p.encode(), "decode then encode");
        String kiss = p.kissCode();
        assertTrue(kiss.length() <= 4 && kiss.chars().allMatch(c -> c >= 0x20 && c < 0x7F), "kiss code '" + kiss + "'");
        if (p.stratum() != NtpPacket.STRATUM_KOD) {
            assertNotEquals(0L, p.transmit());
            assertNotEquals(0L, p.receive());
            assertTrue(p.stratum() < NtpPacket.STRATUM_UNSYNCHRONIZED, "stratum " + p.stratum());
            assertNotEquals(NtpPacket.LEAP_ALARM, p.leap());
            assertTrue(p.rootDelay() < NtpPacket.MAX_ROOT_16_16 && p.rootDispersion() < NtpPacket.MAX_ROOT_16_16);
            // The era rule puts both server stamps within half an era of the pivot (RFC 5905 §6).
            for (long stamp : new long[] {p.receive(), p.transmit()}) {
                long posix = Epochs.posixNanosFromNtp64(stamp, T1_NANOS);
                assertTrue(Math.abs(posix / Epochs.NANOS_PER_SECOND - T1_NANOS / Epochs.NANOS_PER_SECOND)
                        <= Epochs.SECONDS_PER_ERA / 2, "stamp " + Long.toHexString(stamp) + " read as " + posix);
                // Back to the wire within the ns rounding (1 ns is 4.3 units of 2^-32 s), era aside.
                long back = Epochs.ntp64FromPosixNanos(posix) - stamp;
                assertTrue(Math.abs(back) <= 5, Long.toHexString(stamp) + " comes back " + back + " units off");
            }
        }
        // The same bytes never answer any other request, nor none.
        for (long other : new long[] {nonce ^ 1, 0}) {
            try {
                NtpPacket.decodeReply(reply, other);
                fail("accepted for outstanding nonce " + Long.toHexString(other) + ": " + FuzzSupport.hex(reply));
            } catch (BadReply bad) {
                assertEquals("wrong-origin", bad.reason);
            }
        }
    }

    private static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[off + i] & 0xFF);
        }
        return v;
    }
}
