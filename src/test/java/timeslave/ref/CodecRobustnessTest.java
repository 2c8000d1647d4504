package timeslave.ref;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import timeslave.ref.rfc868.IcmpTimestamp;
import timeslave.ref.rfc868.TimeProtocol;
import timeslave.ref.sntp.BadReply;
import timeslave.ref.sntp.NtpPacket;
import timeslave.ref.taiclock.TaiclockPacket;
import timeslave.time.LeapSeconds;

/**
 * Random and bit-flipped input never crashes a codec: each either decodes or throws its own checked
 * rejection. Seeded; the seed and the input are printed on failure (rerun with -Dcodec.seed=N).
 */
class CodecRobustnessTest {
    private static final int ROUNDS = 20_000;
    private final long seed = Long.getLong("codec.seed", System.nanoTime());
    private final Random random = new Random(seed);

    private interface Decoder {
        void decode(byte[] b) throws Exception;
    }

    private void hammer(String what, byte[] valid, Decoder decoder) {
        for (int i = 0; i < ROUNDS; i++) {
            byte[] b;
            if (i % 2 == 0) {
                b = new byte[random.nextInt(valid.length * 2 + 2)];
                random.nextBytes(b);
            } else {
                b = java.util.Arrays.copyOf(valid, Math.max(0, valid.length + random.nextInt(5) - 2));
                for (int flips = 1 + random.nextInt(3); flips > 0 && b.length > 0; flips--) {
                    b[random.nextInt(b.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            try {
                decoder.decode(b);
            } catch (BadReply | LeapSeconds.FormatException expected) {
                // a specific rejection is the right outcome for bad input
            } catch (Exception | Error e) {
                fail(what + " crashed with " + e + " on " + java.util.HexFormat.of().formatHex(b) + " (seed " + seed + ")", e);
            }
        }
    }

    @Test
    void ntpDecoderOnlyRejects() {
        byte[] valid = new NtpPacket(0, 4, 4, 1, 6, -20, 0, 10, NtpPacket.asciiId("GPS"), 1, 7, 3, 4).encode();
        hammer("NtpPacket", valid, b -> NtpPacket.decodeReply(b, 7));
    }

    @Test
    void taiclockDecoderOnlyRejects() {
        byte[] request = TaiclockPacket.request(new byte[12]);
        byte[] valid = TaiclockPacket.reply(request, new timeslave.time.Tai64(0x400000006592008AL, 123_456_500, 0));
        hammer("TaiclockPacket", valid, b -> TaiclockPacket.decodeReply(b, request));
        hammer("TaiclockPacket server", request, b -> TaiclockPacket.reply(b, new timeslave.time.Tai64(1L << 62, 0, 0)));
        // any label that decodes either converts to POSIX ns or is refused with IllegalArgumentException, never wraps
        hammer("TAI64 label to POSIX", valid, b -> {
            timeslave.time.Tai64 t = TaiclockPacket.decodeReply(b, request);
            try {
                long ns = t.toPosixNanos(10);
                if (Math.floorDiv(ns, 1_000_000_000L) != t.label() - timeslave.time.Tai64.EPOCH_LABEL - 10) {
                    throw new AssertionError("label " + Long.toHexString(t.label()) + " wrapped to " + ns);
                }
            } catch (IllegalArgumentException refused) {
                throw new BadReply("bad-label", refused.getMessage());
            }
        });
    }

    @Test
    void icmpParserOnlyRejects() {
        byte[] valid = IcmpTimestamp.replyDatagram(new byte[] {127, 0, 0, 1}, 1, 2, 3, 4, 5);
        hammer("IcmpTimestamp", valid, IcmpTimestamp::parse);
    }

    @Test
    void rfc868DecoderOnlyRejects() {
        hammer("TimeProtocol", TimeProtocol.encode(1_704_067_200L),
                b -> TimeProtocol.checkYear(TimeProtocol.decode(b, 1_704_067_200L), java.util.OptionalInt.empty(), "h"));
    }

    @Test
    void leapSecondsParserOnlyRejects() {
        String alphabet = "#$@h 0123456789abcdef\t";
        for (int i = 0; i < ROUNDS / 10; i++) {
            List<String> lines = new ArrayList<>();
            for (int n = random.nextInt(8); n > 0; n--) {
                StringBuilder sb = new StringBuilder();
                for (int k = random.nextInt(30); k > 0; k--) {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
                lines.add(sb.toString());
            }
            try {
                LeapSeconds.parse(lines);
            } catch (LeapSeconds.FormatException expected) {
                // rejected with a reason
            } catch (RuntimeException e) {
                fail("LeapSeconds crashed with " + e + " on " + lines + " (seed " + seed + ")", e);
            }
        }
    }
}
