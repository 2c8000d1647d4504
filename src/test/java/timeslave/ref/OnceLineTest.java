package timeslave.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import timeslave.time.Sample;

class OnceLineTest {

    @Test
    void formatsTheIssueExample() {
        Sample s = new Sample("sntp:127.0.0.1:123", 0, 0, 2_500_123, 312_000, 160_000);
        assertEquals("offset=+0.002500123 delay=0.000312000 bound=0.000160000 ref=sntp:127.0.0.1:123",
                OnceLine.format(s));
    }

    @Test
    void negativeOffsetsBelowOneSecondKeepTheirSign() {
        Sample s = new Sample("tai:h", 0, 0, -750_000_001L, 0, 1);
        assertEquals("offset=-0.750000001 delay=0.000000000 bound=0.000000001 ref=tai:h", OnceLine.format(s));
    }

    @Test
    void largeOffsetsAreWholeSecondsPlusFraction() {
        Sample s = new Sample("h", 0, 0, -86_401_000_500_000L, 1_000, 2_000);
        assertEquals("offset=-86401.000500000 delay=0.000001000 bound=0.000002000 ref=h", OnceLine.format(s));
    }
}
