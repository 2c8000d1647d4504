package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.OptionalLong;
import timeslave.log.Priority;
import timeslave.os.TimetrimFile;
import timeslave.ref.ListLog;

/**
 * Fuzzes the -P file reader ({@link TimetrimFile#load}) through a real file: any content gives a
 * timetrim within the kernel's range or nothing, with one error line for unrecognised content and none
 * for an accepted one; an accepted value is written back by {@link TimetrimFile#save} and read again
 * unchanged. Seeds: every file of test-fixtures/timetrim/.
 */
class TimetrimFileFuzzTest {

    @FuzzTest
    void load(byte[] content) {
        Path file = FuzzSupport.write("timetrim", content);
        ListLog log = new ListLog(0);
        OptionalLong trim = new TimetrimFile(file, log, "timeslave fuzz").load();
        String text = new String(content, StandardCharsets.ISO_8859_1);
        int errors = log.above(Priority.ERR).size();
        if (trim.isEmpty()) {
            assertEquals(text.isBlank() ? 0 : 1, errors, "error lines for " + FuzzSupport.hex(content) + ": " + log.lines);
            return;
        }
        assertEquals(0, errors, "an accepted file logs no error: " + log.lines);
        assertTrue(Math.abs(trim.getAsLong()) <= TimetrimFile.MAX_TIMETRIM_NS_PER_SEC, "timetrim " + trim.getAsLong());
        ListLog again = new ListLog(0);
        TimetrimFile store = new TimetrimFile(file, again, "timeslave fuzz");
        assertTrue(store.save(trim.getAsLong()), "cannot save " + trim.getAsLong() + ": " + again.lines);
        assertEquals(trim, store.load(), "save then load");
    }
}
