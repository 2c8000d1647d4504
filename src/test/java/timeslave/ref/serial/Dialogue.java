package timeslave.ref.serial;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A recorded serial dialogue (test-fixtures/serial/*.dialogue): {@code # key: value} header lines,
 * then {@code > µs hex} (host wrote, µs after its previous write), {@code < µs hex} (host read,
 * µs after its latest write), and informational {@code flush}/{@code close} lines.
 */
record Dialogue(String name, Map<String, List<String>> header, List<Step> steps) {

    /** One write or read: {@code out} true for host → receiver. */
    record Step(boolean out, long micros, byte[] bytes) {
    }

    static Dialogue read(Path file) throws IOException {
        return parse(Files.readString(file), file.getFileName().toString());
    }

    static Dialogue parse(String text, String name) throws IOException {
        Map<String, List<String>> header = new LinkedHashMap<>();
        List<Step> steps = new ArrayList<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.equals("flush") || line.equals("close")) {
                continue;
            }
            if (line.startsWith("# discarded")) {
                continue;
            }
            if (line.startsWith("#")) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    header.computeIfAbsent(line.substring(1, colon).strip(), k -> new ArrayList<>())
                            .add(line.substring(colon + 1).strip());
                }
                continue;
            }
            String[] f = line.split(" ");
            if (f.length != 3 || !(f[0].equals(">") || f[0].equals("<"))) {
                throw new IOException(name + ": bad line \"" + raw + "\"");
            }
            steps.add(new Step(f[0].equals(">"), Long.parseLong(f[1]), HexFormat.of().parseHex(f[2])));
        }
        return new Dialogue(name, header, steps);
    }

    String one(String key) {
        List<String> v = header.getOrDefault(key, List.of());
        return v.isEmpty() ? null : v.get(0);
    }

    List<String> all(String key) {
        return header.getOrDefault(key, List.of());
    }
}
