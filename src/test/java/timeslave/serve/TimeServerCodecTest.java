package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import timeslave.ref.rfc868.TimeProtocol;

/** RFC 868's server side, checked against PROTOCOLS.md §1's example and our own client's decoder. */
class TimeServerCodecTest {
    @Test
    void theExampleSecondIsE93C7F00AndOurClientReadsItBack() throws Exception {
        byte[] buf = new byte[5];
        TimeServerCodec.encode(buf, 1_704_067_200_999_999_999L);
        assertEquals("e93c7f0000", HexFormat.of().formatHex(buf), "the second it is in, not rounded up");
        assertEquals(1_704_067_200L, TimeProtocol.decode(java.util.Arrays.copyOf(buf, 4), 1_704_067_000L));
    }

    @Test
    void afterTheEraWrapTheFieldIsModulo2To32() throws Exception {
        byte[] buf = new byte[4];
        TimeServerCodec.encode(buf, 2_208_988_800_000_000_000L);   // 2040-01-01, PROTOCOLS.md §4.5
        assertEquals("0754fd00", HexFormat.of().formatHex(buf));
        assertEquals(2_208_988_800L, TimeProtocol.decode(buf, 2_208_000_000L));
    }

    @Test
    void requestsOfUpToFourBytesAreAnswered() {
        for (int len = 0; len <= 4; len++) {
            assertNull(TimeServerCodec.check(len), "length " + len);
        }
        assertEquals(Drop.OVERSIZED, TimeServerCodec.check(5));
        assertEquals(Drop.OVERSIZED, TimeServerCodec.check(48));
    }
}
