package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogLogTest {
    private final List<String> sent = new ArrayList<>();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void foregroundCopiesEveryMessageToStderr() {
        SyslogLog log = new SyslogLog((p, m) -> sent.add(p + " " + m), new PrintStream(err, true,
                StandardCharsets.UTF_8), 0);
        log.notice("started");
        log.debug(1, "hidden at level 0");
        assertEquals(List.of("NOTICE started"), sent);
        assertEquals("timeslave: started\n", err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void withoutForegroundOnlySyslog() {
        SyslogLog log = new SyslogLog((p, m) -> sent.add(p + " " + m), null, 2);
        log.debug(2, "shown at level 2");
        log.debug(3, "not at 3");
        assertEquals(List.of("DEBUG shown at level 2"), sent);
    }

    @Test
    void signalsRaiseAndLowerTheLevelNeverBelowZero() {
        SyslogLog log = new SyslogLog((p, m) -> sent.add(p + " " + m), null, 1);
        assertEquals(2, log.raiseDebugLevel());
        assertEquals(2, log.debugLevel());
        assertEquals(1, log.lowerDebugLevel());
        assertEquals(0, log.lowerDebugLevel());
        assertEquals(0, log.lowerDebugLevel());
        assertEquals(List.of("DEBUG debugging increased to 2", "DEBUG debugging decreased to 1",
                "DEBUG debugging decreased to 0", "DEBUG debugging decreased to 0"), sent);
    }
}
