package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class StdioTest {
    @Test
    void journalStreamMustNameThisStderr() throws Exception {
        Path fd2 = Path.of("/proc/self/fd/2");
        String mine = Files.getAttribute(fd2, "unix:dev") + ":" + Files.getAttribute(fd2, "unix:ino");
        assertTrue(Stdio.stderrIsJournal(mine));
        assertFalse(Stdio.stderrIsJournal(null));
        assertFalse(Stdio.stderrIsJournal("1:2"), "an inherited JOURNAL_STREAM for another stream");
        assertFalse(Stdio.stderrIsJournal("junk"));
    }
}
