package timeslave.os;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The writer that {@link CrashSafeFilesTest} kills: started as a JVM of its own, it saves one file
 * over and over through the daemon's own code and says so after each save, until it is killed.
 *
 * <p>Arguments: the kind of file ({@link CrashSafeFilesTest.Kind}), its path, the first value and how
 * many saves at most. Standard output: {@code ready} once started (after the start-up clean-up of a
 * stale temporary file), then {@code saved N} after each save has returned. Standard error: the log.
 */
public final class SaveLoop {
    private SaveLoop() {
    }

    public static void main(String[] args) throws Exception {
        CrashSafeFilesTest.Kind kind = CrashSafeFilesTest.Kind.valueOf(args[0]);
        Path file = Path.of(args[1]);
        long first = Long.parseLong(args[2]);
        int count = Integer.parseInt(args[3]);
        PrintStream out = new PrintStream(System.out, false, StandardCharsets.US_ASCII);
        CrashSafeFilesTest.Writer writer = kind.writer(file, new SyslogLog(SyslogSink.NONE, System.err, 0));
        writer.start();
        out.println("ready");
        out.flush();
        for (long v = first; v < first + count; v++) {
            writer.save(v);
            out.println("saved " + v);
            out.flush();
        }
    }
}
