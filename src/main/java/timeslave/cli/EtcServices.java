package timeslave.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/** Looks up a udp service's port number in services(5), as getservbyname(name, "udp") would. */
public final class EtcServices {
    /** Where the services database lives. */
    public static final Path DEFAULT = Path.of("/etc/services");

    private EtcServices() {
    }

    /** The udp port of {@code name} (or one of its aliases) in {@code file}; empty if absent or unreadable. */
    public static OptionalInt udpPort(Path file, String name) {
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.ISO_8859_1)) {
                int hash = line.indexOf('#');
                String[] w = (hash >= 0 ? line.substring(0, hash) : line).trim().split("\\s+");
                if (w.length < 2 || !w[1].endsWith("/udp")) {
                    continue;
                }
                boolean named = false;
                for (int i = 0; i < w.length; i++) {
                    if (i != 1 && w[i].equals(name)) {
                        named = true;
                    }
                }
                if (named) {
                    try {
                        return OptionalInt.of(Integer.parseInt(w[1].substring(0, w[1].length() - "/udp".length())));
                    } catch (NumberFormatException e) {
                        return OptionalInt.empty();
                    }
                }
            }
        } catch (IOException e) {
            return OptionalInt.empty();
        }
        return OptionalInt.empty();
    }
}
