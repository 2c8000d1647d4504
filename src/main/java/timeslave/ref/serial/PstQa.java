package timeslave.ref.serial;

import java.nio.charset.StandardCharsets;

/**
 * Pure codec of the PSTI/Traconex binary "QA0000" query and its 13-byte reply (PROTOCOLS.md §8.1),
 * as IRIX timeslave used it; field values sit in bits 7..1 of each byte ("divide by 2").
 */
public final class PstQa {
    private PstQa() {
    }

    /** The query; what "0000" means is undocumented. */
    public static final byte[] COMMAND = "QA0000".getBytes(StandardCharsets.US_ASCII);

    /** Reply length: status, AM/PM, ms×2, s, min, h, day×2, year, 2 reserved, CR. */
    public static final int REPLY_LENGTH = 13;

    /** First year of the 4-bit year switch: code 0 = 1986 … 15 = 2001, then it repeats. */
    public static final int SWITCH_YEAR_BASE = 1986;

    /** The year switch has 4 bits, so its years repeat every 16. */
    public static final int SWITCH_YEAR_PERIOD = 16;

    /** Status bit meaning "time available"; the high five bits must read 00001 (timeslave). */
    static final int STATUS_TIME_AVAILABLE = 0x08;
    static final int STATUS_HIGH_MASK = 0xF8;
    /** Low status bits, read as the QM status bits of §8.2 (signal, hardware, out of spec). */
    static final int STATUS_SIGNAL_FAULT = 0x01;
    static final int STATUS_HARDWARE_FAULT = 0x02;
    static final int STATUS_OUT_OF_SPEC = 0x04;

    /**
     * A decoded reply.
     *
     * @param status   the status byte (always 0x08 in a reply that decodes)
     * @param reading  day of year and time of day, UTC
     * @param yearCode the year switches, 0-15: year = 1986 + code + 16·k
     */
    public record Reply(int status, ReceiverReading reading, int yearCode) {
    }

    /**
     * Decodes a reply.
     *
     * @throws ReplyException naming the first field that breaks its rule
     */
    public static Reply decode(byte[] b, int len) throws ReplyException {
        if (len < REPLY_LENGTH) {
            throw ReplyException.garbage("truncated reply (" + len + " of " + REPLY_LENGTH + " bytes)", b, len);
        }
        int status = b[0] & 0xFF;
        if ((status & STATUS_HIGH_MASK) != STATUS_TIME_AVAILABLE) {
            if ((status & STATUS_HIGH_MASK) == 0) {
                throw new ReplyException(String.format("reports no time available (status 0x%02x)", status));
            }
            throw ReplyException.garbage(String.format("bad status byte 0x%02x", status), b, len);
        }
        if ((status & ~STATUS_HIGH_MASK) != 0) {
            throw new ReplyException(String.format("reports a fault (status 0x%02x:%s)", status, faults(status)));
        }
        if (b[1] != 0) {
            throw ReplyException.garbage(String.format("AM/PM byte 0x%02x is not 0 (set 24-hour format)", b[1] & 0xFF),
                    b, len);
        }
        if (b[12] != '\r') {
            throw ReplyException.garbage(String.format("byte 12 is 0x%02x, not CR", b[12] & 0xFF), b, len);
        }
        int millis = field(b[2]) * 64 + field(b[3]);
        int second = field(b[4]);
        int minute = field(b[5]);
        int hour = field(b[6]);
        int day = field(b[7]) * 64 + field(b[8]);
        int yearCode = field(b[9]);
        ReceiverReading r = new ReceiverReading(day, hour, minute, second, millis);
        if (!r.inRange()) {
            throw ReplyException.garbage("time " + r + " out of range", b, len);
        }
        if (yearCode >= SWITCH_YEAR_PERIOD) {
            throw ReplyException.garbage("year code " + yearCode + " is not a 4-bit switch value", b, len);
        }
        return new Reply(status, r, yearCode);
    }

    /** Encodes a reply (for the emulator and tests); the inverse of {@link #decode} on valid fields. */
    public static byte[] encode(int status, ReceiverReading r, int yearCode) {
        byte[] b = new byte[REPLY_LENGTH];
        b[0] = (byte) status;
        b[1] = 0;
        b[2] = (byte) ((r.millis() / 64) << 1);
        b[3] = (byte) ((r.millis() % 64) << 1);
        b[4] = (byte) (r.second() << 1);
        b[5] = (byte) (r.minute() << 1);
        b[6] = (byte) (r.hour() << 1);
        b[7] = (byte) ((r.dayOfYear() / 64) << 1);
        b[8] = (byte) ((r.dayOfYear() % 64) << 1);
        b[9] = (byte) (yearCode << 1);
        b[10] = 0;
        b[11] = 0;
        b[12] = '\r';
        return b;
    }

    /** The years a switch code can mean: 1986 + code + 16·k. The one nearest {@code aroundYear}. */
    public static int nearestSwitchYear(int yearCode, int aroundYear) {
        int base = SWITCH_YEAR_BASE + yearCode;
        int k = Math.floorDiv(aroundYear - base + SWITCH_YEAR_PERIOD / 2, SWITCH_YEAR_PERIOD);
        return base + k * SWITCH_YEAR_PERIOD;
    }

    /** The switch code of a calendar year. */
    public static int switchCode(int year) {
        return Math.floorMod(year - SWITCH_YEAR_BASE, SWITCH_YEAR_PERIOD);
    }

    private static int field(byte b) {
        return (b & 0xFF) >> 1;
    }

    private static String faults(int status) {
        StringBuilder sb = new StringBuilder();
        if ((status & STATUS_SIGNAL_FAULT) != 0) {
            sb.append(" signal fault");
        }
        if ((status & STATUS_HARDWARE_FAULT) != 0) {
            sb.append(" hardware fault");
        }
        if ((status & STATUS_OUT_OF_SPEC) != 0) {
            sb.append(" out of spec");
        }
        return sb.toString();
    }
}
