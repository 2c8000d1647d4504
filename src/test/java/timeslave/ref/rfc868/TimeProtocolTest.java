package timeslave.ref.rfc868;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.HexFormat;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import timeslave.ref.sntp.BadReply;

class TimeProtocolTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final long JAN_2024 = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();

    @Test
    void protocolsExampleDecodes() throws BadReply {
        assertEquals(JAN_2024, TimeProtocol.decode(HEX.parseHex("E93C7F00"), JAN_2024 - 5000));
        assertArrayEquals(HEX.parseHex("E93C7F00"), TimeProtocol.encode(JAN_2024));
        assertArrayEquals(new byte[4], TimeProtocol.request());
    }

    @Test
    void after2036TheEraNearestTheLocalClockIsUsed() throws BadReply {
        long y2040 = Instant.parse("2040-01-01T00:00:00Z").getEpochSecond();
        assertEquals(y2040, TimeProtocol.decode(HEX.parseHex("0754FD00"), y2040 - 86_400));
    }

    @Test
    void wrongLengthsAreRejected() {
        assertEquals("truncated", assertThrows(BadReply.class, () -> TimeProtocol.decode(new byte[3], JAN_2024)).reason);
        assertEquals("oversized", assertThrows(BadReply.class, () -> TimeProtocol.decode(new byte[5], JAN_2024)).reason);
        assertEquals("truncated", assertThrows(BadReply.class, () -> TimeProtocol.decode(new byte[0], JAN_2024)).reason);
    }

    @Test
    void implausibleYearIsIgnoredWithoutAForcedYear() throws BadReply {
        long y1985 = Instant.parse("1985-06-01T00:00:00Z").getEpochSecond();
        BadReply bad = assertThrows(BadReply.class, () -> TimeProtocol.checkYear(y1985, OptionalInt.empty(), "netmaster"));
        assertEquals("bad-year", bad.reason);
        assertEquals("ignoring netmaster because it says the year is 1985", bad.detail);
        assertNull(TimeProtocol.checkYear(JAN_2024, OptionalInt.empty(), "netmaster").yearNote());
    }

    @Test
    void forcedYearMovesAWrongYearKeepingDayAndTime() throws BadReply {
        long wrong = Instant.parse("2019-03-04T05:06:07Z").getEpochSecond();
        TimeProtocol.Date d = TimeProtocol.checkYear(wrong, OptionalInt.of(2024), "netmaster");
        assertEquals(Instant.parse("2024-03-04T05:06:07Z").getEpochSecond(), d.posixSeconds());
        assertEquals("ignoring the year 2019 from netmaster", d.yearNote());
        long newYear = Instant.parse("2025-01-02T00:00:00Z").getEpochSecond();
        assertNull(TimeProtocol.checkYear(newYear, OptionalInt.of(2024), "netmaster").yearNote(), "rollover grace");
    }

    @Test
    void zeroAndAllOnesAreSentinelsNot2036() {
        assertEquals("sentinel", assertThrows(BadReply.class, () -> TimeProtocol.decode(new byte[4], JAN_2024)).reason);
        BadReply ones = assertThrows(BadReply.class, () -> TimeProtocol.decode(HEX.parseHex("FFFFFFFF"), JAN_2024));
        assertEquals("RFC 868 value 0xffffffff is a sentinel, not a date", ones.detail);
    }
}
