package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.OptionalInt;
import timeslave.ref.serial.ReplyException;
import timeslave.ref.serial.Tt600Codec;
import timeslave.ref.serial.YearRule;

/**
 * Fuzzes the TT600 (XL-DC) reply decoders: the 20-byte time reply ({@link Tt600Codec#decodeTime}) with
 * the year steps Tt600Reference takes after it, the F68 year reply ({@link Tt600Codec#decodeYear}) and
 * the resync check ({@link Tt600Codec#checkResync}). A reply is a value or a {@link ReplyException}.
 * Seeds: the replies of test-fixtures/serial/tt600-*.dialogue, one seed per reply.
 */
class Tt600CodecFuzzTest {
    /** F68's year and the local clock of the fixtures' recording, 2026-11-21T05:19:32Z. */
    private static final int F68_YEAR = 2026;
    private static final long LOCAL_NANOS = 1_795_238_372_632_361_078L;

    @FuzzTest
    void decodeTime(byte[] reply) {
        Tt600Codec.TimeReply t;
        try {
            t = Tt600Codec.decodeTime(reply, reply.length);
        } catch (ReplyException e) {
            assertNotNull(e.getMessage());
            return;
        }
        assertTrue(t.reading().inRange(), "reading " + t.reading());
        assertTrue(" .*#?".indexOf(t.quality()) >= 0, "quality '" + t.quality() + "'");
        assertArrayEquals(Arrays.copyOf(reply, Tt600Codec.TIME_REPLY_LENGTH), Tt600Codec.encodeTime(t.reading(), t.quality()),
                "decode then encode");
        int year = Tt600Codec.yearOfReading(F68_YEAR, t.reading(), 2_000_000_000L);
        assertTrue(year == F68_YEAR || year == F68_YEAR + 1);
        for (OptionalInt forced : new OptionalInt[] {OptionalInt.empty(), OptionalInt.of(F68_YEAR)}) {
            try {
                YearRule.Resolved y = YearRule.resolve(t.reading(), year, true, new YearRule.Context(forced), LOCAL_NANOS);
                assertEquals(t.reading().posixNanos(y.year()), y.receiverNanos(), "resolved time of " + t.reading());
            } catch (ReplyException e) {
                assertNotNull(e.getMessage());
            }
        }
    }

    @FuzzTest
    void decodeYear(byte[] reply) {
        int year;
        try {
            year = Tt600Codec.decodeYear(reply, reply.length);
        } catch (ReplyException e) {
            assertNotNull(e.getMessage());
            return;
        }
        assertTrue(year >= Tt600Codec.MIN_YEAR && year <= 9999, "year " + year);
        assertArrayEquals(("F68 " + year + "\r\n").getBytes(StandardCharsets.US_ASCII),
                Arrays.copyOf(reply, Tt600Codec.YEAR_REPLY_LENGTH), "decode then encode");
    }

    @FuzzTest
    void checkResync(byte[] reply) {
        try {
            Tt600Codec.checkResync(reply, reply.length);
        } catch (ReplyException e) {
            assertNotNull(e.getMessage());
            return;
        }
        assertArrayEquals(Tt600Codec.RESYNC_REPLY.getBytes(StandardCharsets.US_ASCII), reply);
    }
}
