package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.OptionalInt;
import timeslave.ref.rfc868.TimeProtocol;
import timeslave.ref.sntp.BadReply;
import timeslave.time.Epochs;

/**
 * Fuzzes the RFC 868 reply decoder and the year rules that follow it ({@link TimeProtocol#decode},
 * {@link TimeProtocol#checkYear}): a reply is a date or a {@link BadReply}. Seeds:
 * test-fixtures/net/inetd-time-udp.txt and inetd-time-tcp.txt.
 */
class TimeProtocolFuzzTest {
    /** The local clock of the inetd fixtures' exchanges (2026-11-21), and one just past the 2036 era edge. */
    private static final long[] LOCAL_POSIX_SECONDS = {1_795_237_953L, 2_085_978_500L};
    private static final OptionalInt[] FORCED_YEARS = {OptionalInt.empty(), OptionalInt.of(2026), OptionalInt.of(2036)};

    @FuzzTest
    void decode(byte[] reply) {
        for (long local : LOCAL_POSIX_SECONDS) {
            long server;
            try {
                server = TimeProtocol.decode(reply, local);
            } catch (BadReply bad) {
                FuzzSupport.assertWellFormed(bad);
                continue;
            }
            assertEquals(TimeProtocol.MESSAGE_BYTES, reply.length);
            assertTrue(Math.abs(server - local) <= Epochs.SECONDS_PER_ERA / 2, server + " is not the era nearest " + local);
            assertArrayEquals(reply, TimeProtocol.encode(server), "decode then encode");
            for (OptionalInt forced : FORCED_YEARS) {
                checkYear(server, forced);
            }
        }
    }

    private static void checkYear(long server, OptionalInt forced) {
        TimeProtocol.Date d;
        try {
            d = TimeProtocol.checkYear(server, forced, "fuzz");
        } catch (BadReply bad) {
            FuzzSupport.assertWellFormed(bad);
            assertTrue(forced.isEmpty(), "refused with a forced year: " + bad.getMessage());
            return;
        }
        LocalDateTime was = LocalDateTime.ofEpochSecond(server, 0, ZoneOffset.UTC);
        LocalDateTime is = LocalDateTime.ofEpochSecond(d.posixSeconds(), 0, ZoneOffset.UTC);
        if (forced.isEmpty()) {
            assertTrue(was.getYear() >= TimeProtocol.MIN_PLAUSIBLE_YEAR && was.getYear() <= TimeProtocol.MAX_PLAUSIBLE_YEAR,
                    "year " + was.getYear() + " believed");
            assertEquals(server, d.posixSeconds());
            assertNull(d.yearNote());
            return;
        }
        int y = forced.getAsInt();
        boolean rollover = is.getYear() == y + 1 && is.getDayOfYear() <= TimeProtocol.ROLLOVER_GRACE_DAYS;
        assertTrue(is.getYear() == y || rollover, "forced " + y + " gave " + is);
        if (d.posixSeconds() != server) {
            assertTrue(d.yearNote() != null, "year moved without a note");
            assertEquals(was.toLocalTime(), is.toLocalTime(), "moving the year keeps the time of day");
        }
    }
}
