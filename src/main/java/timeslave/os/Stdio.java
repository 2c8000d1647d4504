package timeslave.os;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's standard streams: detaching them, and recognising the systemd journal on stderr. */
public final class Stdio {
    private static final int O_RDWR = 2;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    private Stdio() {
    }

    /**
     * Whether stderr is the journal stream systemd announces in JOURNAL_STREAM ("device:inode",
     * systemd.exec(5)); a mere inherited variable with stderr elsewhere does not count.
     */
    public static boolean stderrIsJournal(String journalStream) {
        if (journalStream == null || !journalStream.matches("[0-9]+:[0-9]+")) {
            return false;
        }
        try {
            Path fd2 = Path.of("/proc/self/fd/2");
            Object dev = Files.getAttribute(fd2, "unix:dev");
            Object ino = Files.getAttribute(fd2, "unix:ino");
            return journalStream.equals(dev + ":" + ino);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return false;
        }
    }

    /** dup2(open("/dev/null"), 1 and 2); returns false if /dev/null cannot be opened. */
    public static boolean toDevNull() {
        System.out.flush();
        System.err.flush();
        int fd = Libc.open("/dev/null", O_RDWR);
        if (fd < 0) {
            return false;
        }
        Libc.dup2(fd, STDOUT);
        Libc.dup2(fd, STDERR);
        if (fd > STDERR) {
            Libc.close(fd);
        }
        return true;
    }
}
