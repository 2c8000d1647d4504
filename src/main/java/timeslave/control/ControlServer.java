package timeslave.control;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import timeslave.core.Status;
import timeslave.log.Log;

/**
 * The control socket timeslave-ctl talks to: a Unix stream socket (mode 0660, group {@value #GROUP}
 * when that group exists), one request line per connection ("FORMAT COMMAND [ARG...]", FORMAT text,
 * csv or json), answered by "ok" or "error: reason" on the first line and the body after it.
 * Read-only commands answer anyone who can open the socket; {@code debug} and {@code reload} only a
 * peer whose SO_PEERCRED user is root.
 */
public final class ControlServer implements AutoCloseable {
    /** Where the socket is when --control is not given. */
    public static final Path DEFAULT_PATH = Path.of("/run/timeslave/timeslave.sock");
    /** The group given the socket (read-only access for its members), when it exists. */
    public static final String GROUP = "timeslave";
    /** Longest request line, bytes. */
    static final int MAX_REQUEST_BYTES = 256;
    /** A client that has not sent its request line by then is hung up on. */
    static final long REQUEST_TIMEOUT_MILLIS = 5_000;
    /** Requests served at once; more are hung up on. */
    static final int MAX_CONCURRENT = 4;

    /** What the read-write commands do (the daemon supplies them). */
    public interface Actions {
        /** Sets the debugging level; returns the line to answer. */
        String debug(int level);

        /** Re-reads the options file; returns the line to answer, or throws with the reason it was not applied. */
        String reload() throws IllegalArgumentException;
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Supplier<Status> status;
    private final ServerStats stats;
    private final Actions actions;
    private final Log log;
    private final Object fileKey;
    private final Semaphore slots = new Semaphore(MAX_CONCURRENT);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "timeslave-control-timer");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean closed;

    private ControlServer(Path path, ServerSocketChannel server, Supplier<Status> status, ServerStats stats,
                          Actions actions, Log log, Object fileKey) {
        this.path = path;
        this.server = server;
        this.status = status;
        this.stats = stats;
        this.actions = actions;
        this.log = log;
        this.fileKey = fileKey;
    }

    /**
     * Listens at {@code path} (creating its directory, mode 0755, if missing) and serves on a daemon thread.
     * A socket file left by a daemon that is gone is replaced; one that still answers is not.
     *
     * @throws IOException with a reason fit for the log
     */
    public static ControlServer start(Path path, Supplier<Status> status, ServerStats stats, Actions actions, Log log)
            throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            try {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            } catch (IOException e) {
                throw new IOException("cannot create the directory " + dir + ": " + reason(e));
            }
        }
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (answers(path)) {
                throw new IOException("another timeslave answers there");
            }
            if (!Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).isOther()) {
                throw new IOException("it exists and is not a socket");
            }
            Files.delete(path);
        }
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            try {
                GroupPrincipal g = path.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(GROUP);
                Files.getFileAttributeView(path, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setGroup(g);
            } catch (UserPrincipalNotFoundException e) {
                // no such group: the socket keeps the daemon's group (documented)
            }
        } catch (IOException e) {
            ch.close();
            throw new IOException(reason(e));
        }
        Object key = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                LinkOption.NOFOLLOW_LINKS).fileKey();
        ControlServer s = new ControlServer(path, ch, status, stats, actions, log, key);
        Thread t = new Thread(s::acceptLoop, "timeslave-control");
        t.setDaemon(true);
        t.start();
        return s;
    }

    /** Whether a daemon accepts connections at {@code path}. */
    static boolean answers(Path path) {
        try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (!closed) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    log.err("control socket " + path + ": " + reason(e) + "; timeslave-ctl is not answered any more");
                }
                return;
            }
            if (!slots.tryAcquire()) {
                closeQuietly(c);
                continue;
            }
            Thread t = new Thread(() -> {
                try {
                    serve(c);
                } finally {
                    slots.release();
                }
            }, "timeslave-control-client");
            t.setDaemon(true);
            t.start();
        }
    }

    private void serve(SocketChannel c) {
        var hangUp = timer.schedule(() -> closeQuietly(c), REQUEST_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        try (c) {
            String line = readLine(c);
            hangUp.cancel(false);
            if (line == null) {
                return;
            }
            boolean root = isRoot(c);
            String answer = answer(line, root);
            ByteBuffer b = ByteBuffer.wrap(answer.getBytes(StandardCharsets.UTF_8));
            while (b.hasRemaining()) {
                c.write(b);
            }
        } catch (IOException e) {
            // the client went away; nothing to tell anyone
        }
    }

    private static boolean isRoot(SocketChannel c) {
        try {
            UnixDomainPrincipal p = c.getOption(ExtendedSocketOptions.SO_PEERCRED);
            return rootName(p.user().getName());
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The peer's user name as the JDK gives it ("root", or the number when it has no name). */
    static boolean rootName(String user) {
        return user.equals("root") || user.equals("0");
    }

    private static String readLine(SocketChannel c) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(MAX_REQUEST_BYTES);
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                break;
            }
            for (int i = 0; i < b.position(); i++) {
                if (b.get(i) == '\n') {
                    return new String(b.array(), 0, i, StandardCharsets.UTF_8);
                }
            }
        }
        return b.position() == 0 ? null : new String(b.array(), 0, b.position(), StandardCharsets.UTF_8).strip();
    }

    /** The whole answer to one request line, for a peer that is root or not. */
    String answer(String line, boolean root) {
        List<String> w = List.of(line.strip().split("\\s+"));
        if (w.size() < 2) {
            return "error: empty request\n";
        }
        StatusReport.Format f;
        try {
            f = StatusReport.Format.valueOf(w.get(0).toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return "error: unknown format " + w.get(0) + "\n";
        }
        String cmd = w.get(1);
        List<String> args = w.subList(2, w.size());
        switch (cmd) {
            case "tracking", "sources", "serverstats" -> {
                if (!args.isEmpty()) {
                    return "error: " + cmd + " takes no arguments\n";
                }
                if (cmd.equals("serverstats")) {
                    return "ok\n" + StatusReport.serverStats(stats, f);
                }
                Status s = status.get();
                if (s == null) {
                    return "error: the daemon is still starting\n";
                }
                return "ok\n" + (cmd.equals("tracking") ? StatusReport.tracking(s, stats.served(), f) : StatusReport.sources(s, f));
            }
            case "debug", "reload" -> {
                if (!root) {
                    return "error: " + cmd + " is allowed to root only\n";
                }
                if (cmd.equals("debug")) {
                    if (args.size() != 1 || !args.get(0).matches("[0-9]{1,2}")) {
                        return "error: debug needs one level, a whole number from 0 to 99\n";
                    }
                    return "ok\n" + actions.debug(Integer.parseInt(args.get(0))) + "\n";
                }
                if (!args.isEmpty()) {
                    return "error: reload takes no arguments\n";
                }
                try {
                    return "ok\n" + actions.reload() + "\n";
                } catch (IllegalArgumentException e) {
                    return "error: " + e.getMessage() + "\n";
                }
            }
            default -> {
                return "error: unknown command " + cmd + "\n";
            }
        }
    }

    private static void closeQuietly(SocketChannel c) {
        try {
            c.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** An exception's message without the class name the JDK puts in some ("Permission denied"). */
    static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }

    /** Stops listening and removes the socket file, if it is still this daemon's. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        timer.shutdownNow();
        try {
            Object key = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
            if (key != null && key.equals(fileKey)) {
                Files.delete(path);
            }
        } catch (IOException e) {
            // gone already, or replaced: leave it
        }
    }
}
