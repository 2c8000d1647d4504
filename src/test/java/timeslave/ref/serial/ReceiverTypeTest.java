package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ReceiverTypeTest {
    @Test
    void namesInAnyCaseIncludingTheSpellingIrixAccepted() {
        assertEquals(Optional.of(ReceiverType.PST_WWV), ReceiverType.parse("pst_wwv"));
        assertEquals(Optional.of(ReceiverType.TRC_WWV), ReceiverType.parse("TRC_WWV"));
        assertEquals(Optional.of(ReceiverType.TRC_WWV), ReceiverType.parse("Traconix_WWV"));
        assertEquals(Optional.of(ReceiverType.TT600), ReceiverType.parse("tt600"));
        assertTrue(ReceiverType.parse("Multisonics").isEmpty());
        assertTrue(ReceiverType.parse(null).isEmpty());
    }

    @Test
    void quoteEscapesAsTimeslaveDid() {
        assertEquals("F69 UTC     \\r\\n", Quote.bytes("F69 UTC     \r\n".getBytes()));
        assertEquals("\\01a\\\\\\0377", Quote.bytes(new byte[] {1, 'a', '\\', (byte) 0xFF, 0, 0}));
    }
}
