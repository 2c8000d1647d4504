package timeslave.serve;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random and bit-flipped requests never crash a server codec, and a reply is never longer than its
 * request (RFC 868's empty request aside): each codec either answers within the request's bytes or
 * names a {@link Drop}. Seeded; the seed and input are printed on failure (-Dcodec.seed=N).
 */
class ServerCodecRobustnessTest {
    private static final int ROUNDS = 20_000;
    private final long seed = Long.getLong("codec.seed", System.nanoTime());
    private final Random random = new Random(seed);

    private interface Server {
        /** Returns the reply length, or 0 when dropped; buf holds the request and one spare byte. */
        int answer(byte[] buf, int len);
    }

    private void hammer(String what, byte[] valid, Server server) {
        for (int i = 0; i < ROUNDS; i++) {
            byte[] req;
            if (i % 2 == 0) {
                req = new byte[random.nextInt(valid.length * 2 + 2)];
                random.nextBytes(req);
            } else {
                req = Arrays.copyOf(valid, Math.max(0, valid.length + random.nextInt(5) - 2));
                for (int flips = 1 + random.nextInt(3); flips > 0 && req.length > 0; flips--) {
                    req[random.nextInt(req.length)] ^= (byte) (1 << random.nextInt(8));
                }
            }
            byte[] buf = Arrays.copyOf(req, Math.max(req.length + 1, 1025));
            try {
                int n = server.answer(buf, req.length);
                if (n > Math.max(req.length, what.equals("time") ? TimeServerCodec.REPLY_BYTES : 0)) {
                    fail(what + " answered " + req.length + " bytes with " + n + ": " + java.util.HexFormat.of().formatHex(req)
                            + " (seed " + seed + ")");
                }
            } catch (RuntimeException | Error e) {
                fail(what + " crashed with " + e + " on " + java.util.HexFormat.of().formatHex(req) + " (seed " + seed + ")", e);
            }
        }
    }

    @Test
    void ntp() {
        byte[] valid = timeslave.ref.sntp.NtpPacket.request(0x0102030405060708L);
        hammer("ntp", valid, (buf, len) -> NtpServerCodec.reply(buf, len, NtpServerCodecTest.header(), 7) == null
                ? NtpServerCodec.HEADER_BYTES : 0);
    }

    @Test
    void taiclock() {
        byte[] valid = timeslave.ref.taiclock.TaiclockPacket.request(new byte[12]);
        hammer("taiclock", valid, (buf, len) -> TaiclockServerCodec.reply(buf, len, 1_704_067_200_123_456_500L, 10) == null
                ? len : 0);
    }

    @Test
    void time() {
        hammer("time", new byte[4], (buf, len) -> {
            if (TimeServerCodec.check(len) != null) {
                return 0;
            }
            TimeServerCodec.encode(buf, 1_704_067_200_000_000_000L);
            return TimeServerCodec.REPLY_BYTES;
        });
    }
}
