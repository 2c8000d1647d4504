package timeslave.clockbound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The client ships alone: its sources name no other timeslave package and nothing beyond the JDK. */
class ClockboundIsolationTest {
    private static final Pattern NAMES = Pattern.compile("\\b(timeslave\\.[a-z]+|org\\.[a-z]+|com\\.[a-z]+|net\\.[a-z]+)");

    @Test
    void onlyTheJdkAndItsOwnPackage() throws Exception {
        List<String> offences = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.list(Path.of("src/main/java/timeslave/clockbound"))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                files++;
                String code = Files.readString(p).replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
                Matcher m = NAMES.matcher(code);
                while (m.find()) {
                    if (!m.group(1).equals("timeslave.clockbound")) {
                        offences.add(p.getFileName() + ": " + m.group(1));
                    }
                }
            }
        }
        assertTrue(files >= 4, "the client's sources: " + files);
        assertEquals(List.of(), offences);
    }
}
