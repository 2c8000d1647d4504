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

    /**
     * The seams (timeslave.time) lie below the core and the adapters above it: core imports only
     * the seams and the log, and the seams import nothing of the project's but the log.
     */
    @Test
    void coreImportsOnlyTheSeamsAndTheSeamsImportNoCore() throws IOException {
        List<String> offences = new ArrayList<>();
        offences.addAll(projectImports("core", List.of("timeslave.core.", "timeslave.time.", "timeslave.log.")));
        offences.addAll(projectImports("time", List.of("timeslave.time.", "timeslave.log.")));
        assertEquals(List.of(), offences);
    }

    @Test
    void importScannerFindsAnAdapterImport() {
        assertEquals(List.of("A.java: timeslave.ref.sntp.NtpPacket"),
                importOffences("A.java", "package timeslave.core;\nimport timeslave.ref.sntp.NtpPacket;\n"
                        + "import timeslave.time.Sample;\n", List.of("timeslave.core.", "timeslave.time.")));
    }

    static List<String> projectImports(String pkg, List<String> allowed) throws IOException {
        List<String> offences = new ArrayList<>();
        try (Stream<Path> s = Files.walk(Path.of("src/main/java/timeslave", pkg))) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).sorted().toList()) {
                offences.addAll(importOffences(p.toString(), Files.readString(p), allowed));
            }
        }
        return offences;
    }

    static List<String> importOffences(String name, String source, List<String> allowed) {
        List<String> found = new ArrayList<>();
        for (String line : source.split("\n")) {
            String t = line.strip();
            if (t.startsWith("import ") && t.contains("timeslave.")) {
                String what = t.replaceFirst("^import (static )?", "").replace(";", "");
                if (allowed.stream().noneMatch(what::startsWith)) {
                    found.add(name + ": " + what);
                }
            }
        }
        return found;
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
