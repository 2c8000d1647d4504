package timeslave.ref.serial;

import java.nio.charset.StandardCharsets;

/**
 * Pure codec of the TT600 (TrueTime XL-DC) dialogue timeslave used (PROTOCOLS.md §9): the
 * commands, the setting replies, the F68 year and the 20-byte time-on-request reply
 * {@code <SOH>DDD:HH:MM:SS.mmmQ<CR><LF>} with its quality character.
 */
public final class Tt600Codec {
    private Tt600Codec() {
    }

    /** ^C: cancels any mode; sent alone, then again before a CR to provoke a known error reply. */
    public static final byte[] CANCEL = {0x03};
    public static final byte[] CANCEL_CR = {0x03, '\r'};
    public static final String RESYNC_REPLY = "ERROR 05 NO SUCH FUNCTION\r\n";

    /** Time scale: UTC (not LOCAL, STANDARD or GPS, which has no leap seconds). */
    public static final Setting TIME_SCALE = new Setting("f69\r", "F69 UTC     \r\n", "f69utc\r");
    /** 24-hour format. */
    public static final Setting HOUR_FORMAT = new Setting("f02\r", "F02 24\r\n", "f0224\r");
    /** Null output format: the default time string. */
    public static final Setting OUTPUT_FORMAT = new Setting("f11\r", "F11 \r\n", "f11 \r");

    public static final String OK_REPLY = "OK\r\n";
    public static final byte[] YEAR_QUERY = ascii("f68\r");
    /** "F68 yyyy\r\n". */
    public static final int YEAR_REPLY_LENGTH = 10;
    /** Time on request mode; the clock is slow to enter it, so the first reply is thrown away. */
    public static final byte[] TIME_ON_REQUEST = ascii("f09\r");
    public static final byte[] TIME_REQUEST = {'T'};
    public static final int TIME_REPLY_LENGTH = 20;
    static final byte SOH = 0x01;

    /** timeslave refused F68 years before 1997 (the XL-DC manual's F68 refuses years before 1996). */
    public static final int MIN_YEAR = 1997;

    /** Factory thresholds of the XL-DC quality character (F05): 1 µs, 10 µs, 100 µs, 1 ms. */
    static final long QUALITY_SPACE_NANOS = 1_000L;
    static final long QUALITY_DOT_NANOS = 10_000L;
    static final long QUALITY_STAR_NANOS = 100_000L;
    static final long QUALITY_HASH_NANOS = 1_000_000L;

    /** One setting: the query, the reply when it is as we need it, and the command that sets it. */
    public record Setting(String query, String wanted, String set) {
        public byte[] queryBytes() {
            return ascii(query);
        }

        public byte[] setBytes() {
            return ascii(set);
        }
    }

    /** A decoded time reply; quality is the raw character. */
    public record TimeReply(ReceiverReading reading, char quality) {
    }

    /**
     * Decodes the 20-byte time reply.
     *
     * @throws ReplyException naming the first field that breaks its rule
     */
    public static TimeReply decodeTime(byte[] b, int len) throws ReplyException {
        if (len < TIME_REPLY_LENGTH) {
            throw ReplyException.garbage("truncated reply (" + len + " of " + TIME_REPLY_LENGTH + " bytes)", b, len);
        }
        if (b[0] != SOH || b[4] != ':' || b[7] != ':' || b[10] != ':' || b[13] != '.' || b[18] != '\r'
                || b[19] != '\n') {
            throw ReplyException.garbage("not a DDD:HH:MM:SS.mmmQ time", b, len);
        }
        int day = digits(b, 1, 3);
        int hour = digits(b, 5, 2);
        int minute = digits(b, 8, 2);
        int second = digits(b, 11, 2);
        int millis = digits(b, 14, 3);
        if (day < 0 || hour < 0 || minute < 0 || second < 0 || millis < 0) {
            throw ReplyException.garbage("non-digit in the time", b, len);
        }
        ReceiverReading r = new ReceiverReading(day, hour, minute, second, millis);
        if (!r.inRange()) {
            throw ReplyException.garbage("time " + r + " out of range", b, len);
        }
        char q = (char) (b[17] & 0xFF);
        if (qualityErrorNanos(q) < 0 && q != '?') {
            throw ReplyException.garbage(String.format("unknown quality character 0x%02x", (int) q), b, len);
        }
        return new TimeReply(r, q);
    }

    /** Encodes a time reply (emulator, tests). */
    public static byte[] encodeTime(ReceiverReading r, char quality) {
        String s = String.format("%03d:%02d:%02d:%02d.%03d%c\r\n", r.dayOfYear(), r.hour(), r.minute(), r.second(),
                r.millis(), quality);
        byte[] b = new byte[TIME_REPLY_LENGTH];
        b[0] = SOH;
        System.arraycopy(ascii(s), 0, b, 1, TIME_REPLY_LENGTH - 1);
        return b;
    }

    /**
     * Checks the reply to ^C CR: the clock's "no such function" error proves it listens in no mode.
     *
     * @throws ReplyException if it is anything else
     */
    public static void checkResync(byte[] b, int len) throws ReplyException {
        byte[] want = ascii(RESYNC_REPLY);
        if (len != want.length || !java.util.Arrays.equals(b, 0, len, want, 0, len)) {
            throw ReplyException.garbage("not the resync reply \"" + Quote.bytes(want) + "\"", b, len);
        }
    }

    /**
     * Decodes "F68 yyyy\r\n".
     *
     * @throws ReplyException if malformed or before {@link #MIN_YEAR}
     */
    public static int decodeYear(byte[] b, int len) throws ReplyException {
        if (len < YEAR_REPLY_LENGTH || b[0] != 'F' || b[1] != '6' || b[2] != '8' || b[3] != ' ' || b[8] != '\r'
                || b[9] != '\n') {
            throw ReplyException.garbage("not an \"F68 yyyy\" year", b, len);
        }
        int year = digits(b, 4, 4);
        if (year < MIN_YEAR) {
            throw ReplyException.garbage("year " + year + " before " + MIN_YEAR, b, len);
        }
        return year;
    }

    /**
     * The error the quality character admits, in ns: ' ' below 1 µs, '.' below 10 µs, '*' below
     * 100 µs, '#' below 1 ms (the XL-DC factory thresholds, each the next threshold up);
     * -1 for '?' (error ≥ 1 ms or no reference: no sample) and for characters the XL-DC never sends.
     */
    public static long qualityErrorNanos(char q) {
        switch (q) {
            case ' ': return QUALITY_SPACE_NANOS;
            case '.': return QUALITY_DOT_NANOS;
            case '*': return QUALITY_STAR_NANOS;
            case '#': return QUALITY_HASH_NANOS;
            default: return -1;
        }
    }

    /**
     * The year of a time reading, given the F68 year read {@code nanosSinceYearReply} earlier: if
     * the reading is on January 1 and that many ns before it was still the old year, F68 spoke
     * of the old year and the reading belongs to the next. (timeslave instead dropped every
     * reading in the 2 s after midnight.)
     */
    public static int yearOfReading(int f68Year, ReceiverReading r, long nanosSinceYearReply) {
        if (r.dayOfYear() == 1 && r.millisOfDay() * 1_000_000L < nanosSinceYearReply) {
            return f68Year + 1;
        }
        return f68Year;
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The decimal value of n ASCII digits at off, or -1 if any is not a digit. */
    static int digits(byte[] b, int off, int n) {
        int v = 0;
        for (int i = off; i < off + n; i++) {
            int c = b[i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
