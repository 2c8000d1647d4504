package timeslave.os;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Replaces a file's contents so that a crash at any moment leaves either the old contents or the new,
 * never an empty, partial or missing file, and so that nothing planted beside it can redirect the
 * write: for every file the daemon writes (the timetrim file now, status and statistics later).
 *
 * <p>The new contents go to {@code FILE.tmp}, created with {@code O_CREAT|O_EXCL|O_NOFOLLOW}
 * ({@code CREATE_NEW} and {@code NOFOLLOW_LINKS}: a symbolic link or anything else already at that
 * name makes the create fail instead of being followed), forced to disk, renamed over {@code FILE}
 * (rename(2) replaces the name whatever it is, a link included, and never writes through it), and the
 * directory is forced so the rename itself survives a power cut. A stale {@code FILE.tmp} (a crash
 * mid-save, or something planted) is unlinked first, which removes the name and never follows it.
 * Only a regular file, a symbolic link or nothing is replaced at {@code FILE}: a FIFO, device, socket or
 * directory there is a misconfiguration ({@code -P /dev/null}), and the write fails instead.
 */
public final class AtomicFile {
    /** The temporary file's suffix. */
    public static final String TEMPORARY_SUFFIX = ".tmp";
    /** rw-r--r--: what the daemon writes is no secret, and only its owner may change it (umask may narrow it). */
    static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r--r--");
    private static final Set<OpenOption> CREATE_NEW_NOFOLLOW = Set.of(StandardOpenOption.WRITE,
            StandardOpenOption.CREATE_NEW, LinkOption.NOFOLLOW_LINKS);
    private static final FileAttribute<Set<PosixFilePermission>> MODE_ATTRIBUTE =
            PosixFilePermissions.asFileAttribute(MODE);
    /** S_IWOTH and S_ISVTX of st_mode. */
    private static final int OTHERS_WRITE = 0002;
    private static final int STICKY = 01000;

    private AtomicFile() {
    }

    /** {@code FILE.tmp}, beside the file. */
    public static Path temporary(Path file) {
        return file.resolveSibling(file.getFileName() + TEMPORARY_SUFFIX);
    }

    /**
     * Replaces {@code file}'s contents by {@code bytes}, atomically; on failure the old file is
     * untouched and the temporary file this call created is removed.
     */
    public static void write(Path file, byte[] bytes) throws IOException {
        replaceable(file);
        Path tmp = temporary(file);
        Files.deleteIfExists(tmp);
        try (FileChannel ch = FileChannel.open(tmp, CREATE_NEW_NOFOLLOW, MODE_ATTRIBUTE)) {
            try {
                ByteBuffer b = ByteBuffer.wrap(bytes);
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            } catch (IOException e) {
                deleteQuietly(tmp);
                throw e;
            }
        }
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw e;
        }
        try (FileChannel d = FileChannel.open(directory(file), StandardOpenOption.READ)) {
            d.force(true);
        }
    }

    /** Throws unless {@code file} is absent, a regular file or a symbolic link (which is replaced, not followed). */
    private static void replaceable(Path file) throws IOException {
        BasicFileAttributes a;
        try {
            a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        }
        if (!a.isRegularFile() && !a.isSymbolicLink()) {
            throw new RegularFile.NotRegularException(file, RegularFile.kind(file, a, LinkOption.NOFOLLOW_LINKS));
        }
    }

    /**
     * Removes a {@code FILE.tmp} left by a save that never finished (unlinks the name; never follows
     * it); returns whether there was one. Called at start, before the file is read.
     */
    public static boolean removeStaleTemporary(Path file) throws IOException {
        return Files.deleteIfExists(temporary(file));
    }

    /**
     * The file's directory when others (not the owner, not the group) may create, rename and remove
     * names in it: writable by others without the sticky bit. Anyone on the machine could then replace
     * the file between two saves, so its contents cannot be trusted. Empty when the directory is safe or
     * cannot be examined (the read or write that follows reports that).
     */
    public static java.util.Optional<Path> replaceableByOthers(Path file) {
        Path dir = directory(file);
        try {
            int mode = (Integer) Files.getAttribute(dir, "unix:mode");
            return (mode & OTHERS_WRITE) != 0 && (mode & STICKY) == 0 ? java.util.Optional.of(dir)
                    : java.util.Optional.empty();
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty();
        }
    }

    private static Path directory(Path file) {
        Path dir = file.toAbsolutePath().getParent();
        return dir == null ? file.toAbsolutePath().getRoot() : dir;
    }

    private static void deleteQuietly(Path tmp) {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // the caller reports the failure that brought us here; the next save or start removes it
        }
    }
}
