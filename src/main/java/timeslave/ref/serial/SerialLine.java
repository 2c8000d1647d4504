package timeslave.ref.serial;

import java.io.IOException;

/**
 * An open serial line as the receiver references use it: flush, write, read against a monotonic
 * deadline. {@link JSerialCommLine} is the real tty; tests replay recorded dialogues through fakes.
 */
public interface SerialLine extends AutoCloseable {

    /** Opens a line by path; the reference calls it again after the line was lost. */
    @FunctionalInterface
    interface Opener {
        SerialLine open(String path) throws IOException;
    }

    /** Discards input that has arrived and not been read (what tcflush TCIFLUSH does; output is kept). */
    void flush() throws IOException;

    /**
     * Discards all input until {@code TimeSource.monotonicNanos()} reaches {@code deadlineMonoNanos}:
     * a pause that also swallows whatever the receiver says meanwhile.
     *
     * @return the number of bytes discarded
     */
    int discardUntil(long deadlineMonoNanos) throws IOException;

    /** Writes all of {@code bytes}. */
    void write(byte[] bytes) throws IOException;

    /**
     * Reads at most {@code len} bytes, returning as soon as some have arrived or when
     * {@code TimeSource.monotonicNanos()} reaches {@code deadlineMonoNanos}.
     *
     * @return the number of bytes read, 0 if the deadline passed with nothing to read
     * @throws IOException if the line is gone (tty unplugged, pty closed)
     */
    int read(byte[] buf, int off, int len, long deadlineMonoNanos) throws IOException;

    @Override
    void close();
}
