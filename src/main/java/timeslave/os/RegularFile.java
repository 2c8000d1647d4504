package timeslave.os;

import com.sun.jna.Native;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads a small file whole, refusing anything but a regular file and anything beyond a size cap, so
 * that no file the daemon is pointed at (a FIFO, a tty, /dev/zero, 100 MB of junk) can hang it or
 * exhaust its heap.
 *
 * <p>The file is opened with {@code O_NONBLOCK} (a FIFO without a writer opens at once instead of
 * waiting for one) and {@code O_NOCTTY} (a tty never becomes the controlling terminal); the type is
 * then checked on the opened descriptor ({@code statx} with {@code AT_EMPTY_PATH}), so nothing can
 * swap the file between the check and the read, as it could between a {@code Files.isRegularFile}
 * and an open. The JDK has neither call; JNA maps them from libc. Symbolic links are followed: a
 * file the administrator links elsewhere is read where it leads, and is held to the same rules.
 * {@code /dev/null} (character device 1:3 on Linux) reads as empty: {@code --options /dev/null} is the
 * usual way to say "no file".
 *
 * <p>statx needs glibc 2.28 and Linux 4.11. Where JNA cannot load libc, the type is checked on the path
 * before a plain open ({@link #readPortable}): the same refusals, with a window between check and open
 * that only someone who can already replace the file could use, to make the read wait.
 */
public final class RegularFile {
    /** The file is not a regular file: a FIFO, a device, a socket or a directory. */
    public static final class NotRegularException extends FileSystemException {
        /** @param kind "a FIFO", as {@link #kind} says */
        public NotRegularException(Path file, String kind) {
            super(file.toString(), null, "not a regular file (" + kind + ")");
        }

        @Override
        public String getMessage() {
            return getReason();
        }
    }

    /** The file holds more than the caller's cap. */
    public static final class TooLargeException extends FileSystemException {
        TooLargeException(Path file, int maxBytes) {
            super(file.toString(), null, "larger than " + maxBytes + " bytes");
        }

        @Override
        public String getMessage() {
            return getReason();
        }
    }

    /** Flags of open(2) and statx(2): the values of Linux's generic ABI (x86-64, arm64, riscv64). */
    private static final int O_RDONLY = 0;
    private static final int O_NOCTTY = 0x100;
    private static final int O_NONBLOCK = 0x800;
    private static final int O_CLOEXEC = 0x80000;
    private static final int AT_EMPTY_PATH = 0x1000;
    private static final int STATX_TYPE = 0x1;
    /** struct statx is 256 bytes on every architecture; stx_mode is the u16 at byte 28. */
    private static final int STATX_SIZE = 256;
    private static final int STX_MODE_OFFSET = 28;
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFCHR = 0020000;
    /** stx_rdev_major and stx_rdev_minor, u32 each; /dev/null is 1:3 (Linux's devices.txt). */
    private static final int STX_RDEV_MAJOR_OFFSET = 128;
    private static final int STX_RDEV_MINOR_OFFSET = 132;
    private static final int DEV_NULL_MAJOR = 1;
    private static final int DEV_NULL_MINOR = 3;
    /** Bytes asked of each read(2): one buffer that fits every cap the daemon uses a few times over. */
    private static final int CHUNK_BYTES = 8192;

    /**
     * The calls the JDK lacks (close comes from {@link Libc}); paths as NUL-terminated bytes, size_t and
     * ssize_t as long (64-bit Linux, as the rest of the os package assumes).
     */
    private static final class Calls {
        static {
            Native.register(Calls.class, "c");
        }

        static native int open(byte[] path, int flags);

        static native int statx(int dirFd, String path, int flags, int mask, byte[] statxBuf);

        static native long read(int fd, byte[] buf, long count);
    }

    private RegularFile() {
    }

    /**
     * The whole contents of {@code file}.
     *
     * @param maxBytes the most the caller accepts; one more byte read makes it {@link TooLargeException}
     * @throws NoSuchFileException   the file (or a directory on its path) does not exist
     * @throws AccessDeniedException permission denied
     * @throws NotRegularException   a FIFO, device or directory (open(2) refuses a socket: ENXIO)
     * @throws TooLargeException     more than {@code maxBytes}
     * @throws IOException           any other failure, with the errno in the message
     */
    public static byte[] read(Path file, int maxBytes) throws IOException {
        if (!nativeCallsWork) {
            return readPortable(file, maxBytes);
        }
        try {
            return readNative(file, maxBytes);
        } catch (LinkageError e) {
            nativeCallsWork = false;
            return readPortable(file, maxBytes);
        }
    }

    /** False once JNA failed to bind open, statx or read. */
    private static volatile boolean nativeCallsWork = true;

    private static byte[] readNative(Path file, int maxBytes) throws IOException {
        int fd = Calls.open(nativePath(file), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
        if (fd < 0) {
            throw failure(file, Native.getLastError());
        }
        try {
            byte[] st = new byte[STATX_SIZE];
            if (Calls.statx(fd, "", AT_EMPTY_PATH, STATX_TYPE, st) != 0) {
                throw failure(file, Native.getLastError());
            }
            ByteBuffer stx = ByteBuffer.wrap(st).order(ByteOrder.nativeOrder());
            int mode = stx.getShort(STX_MODE_OFFSET) & 0xffff;
            if ((mode & S_IFMT) == S_IFCHR && stx.getInt(STX_RDEV_MAJOR_OFFSET) == DEV_NULL_MAJOR
                    && stx.getInt(STX_RDEV_MINOR_OFFSET) == DEV_NULL_MINOR) {
                return new byte[0];
            }
            if ((mode & S_IFMT) != S_IFREG) {
                throw new NotRegularException(file, kind(mode));
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxBytes + 1, CHUNK_BYTES));
            byte[] buf = new byte[Math.min(maxBytes + 1, CHUNK_BYTES)];
            while (true) {
                long want = Math.min(buf.length, (long) maxBytes + 1 - out.size());
                long n = Calls.read(fd, buf, want);
                if (n < 0) {
                    int errno = Native.getLastError();
                    if (errno == Libc.EINTR) {
                        continue;
                    }
                    throw failure(file, errno);
                }
                if (n == 0) {
                    return out.toByteArray();
                }
                out.write(buf, 0, (int) n);
                if (out.size() > maxBytes) {
                    throw new TooLargeException(file, maxBytes);
                }
            }
        } finally {
            Libc.close(fd);
        }
    }

    /** The path's bytes as the JDK passes them to the kernel (sun.jnu.encoding), NUL-terminated. */
    private static byte[] nativePath(Path file) {
        String jnu = System.getProperty("sun.jnu.encoding");
        java.nio.charset.Charset cs = jnu != null && java.nio.charset.Charset.isSupported(jnu)
                ? java.nio.charset.Charset.forName(jnu) : java.nio.charset.Charset.defaultCharset();
        byte[] b = file.toString().getBytes(cs);
        return java.util.Arrays.copyOf(b, b.length + 1);
    }

    /** {@link #read} with the JDK only: the type checked on the path, then a plain open. */
    static byte[] readPortable(Path file, int maxBytes) throws IOException {
        java.nio.file.attribute.BasicFileAttributes a = java.nio.file.Files.readAttributes(file,
                java.nio.file.attribute.BasicFileAttributes.class);
        if (!a.isRegularFile()) {
            Object devNull = java.nio.file.Files.readAttributes(Path.of("/dev/null"),
                    java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            if (a.fileKey() != null && a.fileKey().equals(devNull)) {
                return new byte[0];
            }
            throw new NotRegularException(file, kind(file, a));
        }
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new TooLargeException(file, maxBytes);
            }
            return bytes;
        }
    }

    /** What a non-regular file is, from its st_mode if the JDK gives it ("unix" view), else from {@code a}. */
    static String kind(Path file, java.nio.file.attribute.BasicFileAttributes a, java.nio.file.LinkOption... options) {
        try {
            return kind((Integer) java.nio.file.Files.getAttribute(file, "unix:mode", options));
        } catch (IOException | RuntimeException e) {
            return a.isDirectory() ? "a directory" : a.isSymbolicLink() ? "a symbolic link" : "a special file";
        }
    }

    /** What a non-regular file is, for the message, from its st_mode. */
    public static String kind(int mode) {
        return switch (mode & S_IFMT) {
            case 0010000 -> "a FIFO";
            case 0020000 -> "a character device";
            case 0040000 -> "a directory";
            case 0060000 -> "a block device";
            case 0140000 -> "a socket";
            case 0120000 -> "a symbolic link";
            default -> "type " + Integer.toOctalString(mode & S_IFMT);
        };
    }

    /**
     * Why {@code e} happened, without the file name (the caller's message names the file):
     * "no such file or directory", "permission denied", "not a regular file (a FIFO)", "larger than
     * N bytes", "Read-only file system" (the JDK's strerror text) or "errno 5 (Input/output error)".
     */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.DirectoryNotEmptyException) {
            return "a non-empty directory is in the way";
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "something else created it first";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason();
        }
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private static IOException failure(Path file, int errno) {
        return switch (errno) {
            case Libc.ENOENT -> new NoSuchFileException(file.toString());
            case Libc.EACCES, Libc.EPERM -> new AccessDeniedException(file.toString());
            default -> new FileSystemException(file.toString(), null, Libc.errnoText(errno));
        };
    }
}
