package timeslave.os;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds the other programs that adjust the system clock, by the process names in /proc/PID/comm
 * (the kernel cuts them to 15 characters): chronyd, ntpd (ntpd, NTPsec and OpenNTPD all use the
 * name), systemd-timesyncd, openntpd, phc2sys.
 */
public final class OtherTimeDaemons {
    /** comm → the name to print. */
    static final Map<String, String> NAMES = Map.of("chronyd", "chronyd", "ntpd", "ntpd", "openntpd", "openntpd",
            "systemd-timesyn", "systemd-timesyncd", "phc2sys", "phc2sys");
    /** Where processes are listed. */
    public static final Path PROC = Path.of("/proc");

    private OtherTimeDaemons() {
    }

    /** "chronyd[812]" for each such process under {@code proc} other than {@code selfPid}, in PID order. */
    public static List<String> find(Path proc, long selfPid) {
        List<long[]> found = new ArrayList<>();
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> d = Files.newDirectoryStream(proc, p -> p.getFileName().toString().matches("[0-9]{1,10}"))) {
            for (Path p : d) {
                long pid = Long.parseLong(p.getFileName().toString());
                if (pid == selfPid) {
                    continue;
                }
                String comm;
                try {
                    comm = Files.readString(p.resolve("comm"), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    continue;   // gone meanwhile
                }
                String name = NAMES.get(comm);
                if (name != null) {
                    found.add(new long[] {pid, names.size()});
                    names.add(name);
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        found.sort((a, b) -> Long.compare(a[0], b[0]));
        List<String> out = new ArrayList<>();
        for (long[] f : found) {
            out.add(names.get((int) f[1]) + "[" + f[0] + "]");
        }
        return out;
    }
}
