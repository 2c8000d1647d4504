package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Feeds the replies recorded in each fixture straight to the pure decoders (no reference, no
 * timing): every reply to QA0000, F68 and T in a good fixture decodes, and in a hostile fixture
 * the decoder's own complaint is the one the reference logged.
 */
class FixtureDecoderTest {

    static java.util.stream.Stream<Path> fixtures() throws java.io.IOException {
        return SerialFixtureTest.fixtures();
    }

    /** The bytes read after each write of {@code command}. */
    static List<byte[]> repliesTo(Dialogue d, byte[] command) {
        List<byte[]> out = new ArrayList<>();
        ByteArrayOutputStream cur = null;
        for (Dialogue.Step s : d.steps()) {
            if (s.out()) {
                if (cur != null) {
                    out.add(cur.toByteArray());
                }
                cur = Arrays.equals(s.bytes(), command) ? new ByteArrayOutputStream() : null;
            } else if (cur != null) {
                cur.writeBytes(s.bytes());
            }
        }
        if (cur != null) {
            out.add(cur.toByteArray());
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decodersAgreeWithTheFixture(Path file) throws Exception {
        Dialogue d = Dialogue.read(file);
        String err = d.one("expect-error");
        String predicate = err == null ? null : err.substring(err.indexOf("TTY ") + 4);
        boolean decoderComplaint = predicate != null && !predicate.startsWith("not answering")
                && !predicate.startsWith("says the year is");
        List<String> complaints = new ArrayList<>();
        int decoded = 0;
        boolean wwv = ReceiverType.parse(d.one("type")).orElseThrow().isWwv();
        List<byte[]> replies = wwv ? repliesTo(d, PstQa.COMMAND) : repliesTo(d, Tt600Codec.TIME_REQUEST);
        for (byte[] r : replies) {
            if (r.length == 0) {
                continue;
            }
            try {
                if (wwv) {
                    PstQa.decode(r, r.length);
                } else {
                    Tt600Codec.TimeReply t = Tt600Codec.decodeTime(r, r.length);
                    if (t.quality() == '?') {
                        complaints.add("has no reference (quality '?')");
                        continue;
                    }
                }
                decoded++;
            } catch (ReplyException e) {
                complaints.add(e.getMessage());
            }
        }
        if (!wwv) {
            for (byte[] r : repliesTo(d, Tt600Codec.CANCEL_CR)) {
                if (r.length == 0) {
                    continue;
                }
                try {
                    Tt600Codec.checkResync(r, r.length);
                } catch (ReplyException e) {
                    complaints.add(e.getMessage());
                }
            }
            for (byte[] r : repliesTo(d, Tt600Codec.YEAR_QUERY)) {
                if (r.length == 0) {
                    continue;
                }
                try {
                    Tt600Codec.decodeYear(r, r.length);
                } catch (ReplyException e) {
                    complaints.add(e.getMessage());
                }
            }
        }
        if (predicate == null) {
            assertTrue(decoded > 0, d.name() + ": nothing decoded");
            assertEquals(List.of(), complaints, d.name());
        } else if (decoderComplaint) {
            assertFalse(complaints.isEmpty(), d.name() + ": the decoders accepted every reply");
            String want = predicate;
            assertTrue(complaints.stream().anyMatch(c -> c.startsWith(want)),
                    d.name() + ": no complaint starting \"" + want + "\" in " + complaints);
        } else if (predicate.startsWith("not answering")) {
            assertEquals(0, decoded + complaints.size(), d.name() + ": replies in a silent fixture");
        }
    }
}
