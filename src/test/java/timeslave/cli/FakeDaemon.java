package timeslave.cli;

import java.io.FileOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Test stand-in for the daemon behind bin/timeslave (LauncherTest): reports what the launcher gave it
 * into $FAKE_DAEMON_REPORT, then either says "ready" on the --detached file and waits to be killed,
 * or (FAKE_DAEMON_FAIL set) prints a start-up error and exits 1.
 */
public final class FakeDaemon {
    private FakeDaemon() {
    }

    public static void main(String[] args) throws Exception {
        String ready = null;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--detached")) {
                ready = args[i + 1];
            }
        }
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        String report = "pid=" + ProcessHandle.current().pid() + "\nsid=" + f[3] + "\ncwd="
                + Path.of("").toAbsolutePath() + "\nstart=" + System.getenv("TIMESLAVE_START_DIR") + "\nargs="
                + String.join(" ", args) + "\nstdin=" + Files.readSymbolicLink(Path.of("/proc/self/fd/0")) + "\n";
        Files.writeString(Path.of(System.getenv("FAKE_DAEMON_REPORT")), report);
        if (System.getenv("FAKE_DAEMON_FAIL") != null) {
            System.err.println("timeslave: cannot open nowhere: unknown host");
            System.exit(1);
        }
        try (FileOutputStream out = new FileOutputStream(ready, true)) {
            out.write("ready\n".getBytes(StandardCharsets.UTF_8));
        }
        Thread.sleep(60_000);
    }
}
