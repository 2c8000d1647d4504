package timeslave.core;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The core stays pure: no sockets, files, JNA or system time in src/main/java/timeslave/core (issue 2, "Done when"). */
class CorePurityTest {

    /** What the core must never name, outside comments. */
    static final List<String> FORBIDDEN = List.of("java.net", "java.nio.file", "java.io.File", "com.sun.jna",
            "System.currentTimeMillis", "Instant.now", "System.nanoTime", "Thread.sleep", "LocalDateTime.now",
            "Clock.system");

    @Test
    void coreSourcesUseNoForbiddenApi() throws IOException {
        Path dir = Path.of("src/main/java/timeslave/core");
        assertTrue(Files.isDirectory(dir), "run from the project root: " + dir.toAbsolutePath());
        List<String> offences = new ArrayList<>();
        int files = 0;
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                files++;
                offences.addAll(offences(p.toString(), Files.readString(p)));
            }
        }
        assertTrue(files >= 8, "expected the core sources, found " + files);
        assertEquals(List.of(), offences);
    }

    @Test
    void scannerFindsAnOffenceButIgnoresComments() {
        String bad = "package x;\nimport java.net.Socket;\nclass A { long t = System.nanoTime(); }\n";
        assertEquals(2, offences("A.java", bad).size());
        String commented = "package x;\n// java.net is not used here\n/* nor Instant.now() */\nclass A { }\n";
        assertTrue(offences("A.java", commented).isEmpty());
        assertFalse(offences("A.java", "class A { Object f = java.io.File.separator; }").isEmpty());
    }

    static List<String> offences(String name, String source) {
        String code = stripComments(source);
        List<String> found = new ArrayList<>();
        for (String f : FORBIDDEN) {
            if (code.contains(f)) {
                found.add(name + ": " + f);
            }
        }
        return found;
    }

    /** Removes // and block comments (string literals in the core never contain comment markers). */
    static String stripComments(String s) {
        return s.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("//[^\\n]*", " ");
    }
}
