package timeslave.os;

/** Points this process's standard output and error at /dev/null: the last step of detaching. */
public final class Stdio {
    private static final int O_RDWR = 2;
    private static final int STDOUT = 1;
    private static final int STDERR = 2;

    private Stdio() {
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
