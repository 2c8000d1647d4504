package timeslave.ref.serial;

import com.fazecast.jSerialComm.SerialPort;
import java.io.IOException;
import java.util.concurrent.locks.LockSupport;
import timeslave.time.TimeSource;

/**
 * A real tty (or /dev/pts/N, or a symlink to one) through jSerialComm: 9600 baud, 8N1, raw, no
 * flow control, reads that return as soon as bytes arrive (semi-blocking) within a deadline.
 * jSerialComm gives no receive timestamps: callers stamp when read returns.
 */
public final class JSerialCommLine implements SerialLine {

    /** jSerialComm's timeouts are whole milliseconds; a read never waits less than this. */
    static final int MIN_READ_TIMEOUT_MILLIS = 1;

    /**
     * How often {@link #discardUntil} looks for input. jSerialComm's read timeouts on Linux end
     * in whole tenths of a second (VTIME), too coarse for a 20 ms pause, so pauses poll instead.
     */
    static final long DISCARD_POLL_NANOS = 1_000_000L;
    static final int DISCARD_CHUNK = 256;

    private final SerialPort port;
    private final String path;
    private final TimeSource time;
    private int timeoutMillis = -1;

    private JSerialCommLine(SerialPort port, String path, TimeSource time) {
        this.port = port;
        this.path = path;
        this.time = time;
    }

    /** Opens {@code path} at 9600 8N1 raw. */
    public static JSerialCommLine open(String path, TimeSource time) throws IOException {
        SerialPort p;
        try {
            p = SerialPort.getCommPort(path);
        } catch (RuntimeException e) {
            // ops12: jSerialComm says "invalid port descriptor" for a path it cannot use
            throw new IOException("open(" + path + "): no such serial port", e);
        }
        p.setComPortParameters(SerialTiming.BAUD, 8, SerialPort.ONE_STOP_BIT, SerialPort.NO_PARITY);
        p.setFlowControl(SerialPort.FLOW_CONTROL_DISABLED);
        if (!p.openPort(0)) {
            throw new IOException("open(" + path + "): " + errno(p.getLastErrorCode()));
        }
        JSerialCommLine line = new JSerialCommLine(p, path, time);
        line.setTimeout(MIN_READ_TIMEOUT_MILLIS);
        return line;
    }

    /** The opener the daemon uses. */
    public static SerialLine.Opener opener(TimeSource time) {
        return path -> open(path, time);
    }

    @Override
    public void flush() throws IOException {
        // Not flushIOBuffers(): TCIOFLUSH would also drop a command still leaving the UART.
        byte[] junk = new byte[DISCARD_CHUNK];
        int avail;
        while ((avail = available()) > 0) {
            port.readBytes(junk, Math.min(avail, junk.length));
        }
    }

    @Override
    public int discardUntil(long deadlineMonoNanos) throws IOException {
        byte[] junk = new byte[DISCARD_CHUNK];
        int discarded = 0;
        long remaining;
        while ((remaining = deadlineMonoNanos - time.monotonicNanos()) > 0) {
            int avail = available();
            if (avail > 0) {
                discarded += Math.max(0, port.readBytes(junk, Math.min(avail, junk.length)));
            } else {
                LockSupport.parkNanos(Math.min(remaining, DISCARD_POLL_NANOS));
            }
        }
        return discarded;
    }

    private int available() throws IOException {
        int avail = port.bytesAvailable();
        if (avail < 0) {
            throw new IOException("read(" + path + "): " + errno(port.getLastErrorCode()));
        }
        return avail;
    }

    @Override
    public void write(byte[] bytes) throws IOException {
        int n = port.writeBytes(bytes, bytes.length);
        if (n != bytes.length) {
            throw new IOException("write(" + path + ")==" + n + ": " + errno(port.getLastErrorCode()));
        }
    }

    /**
     * Returns as soon as a byte arrives; with nothing to read it may wait past the deadline to
     * the next tenth of a second (VTIME), which only lengthens a timeout.
     */
    @Override
    public int read(byte[] buf, int off, int len, long deadlineMonoNanos) throws IOException {
        long remaining = deadlineMonoNanos - time.monotonicNanos();
        if (remaining <= 0) {
            int avail = port.bytesAvailable();
            if (avail < 0) {
                throw new IOException("read(" + path + "): " + errno(port.getLastErrorCode()));
            }
            if (avail == 0) {
                return 0;
            }
        }
        int millis = (int) Math.max(MIN_READ_TIMEOUT_MILLIS, Math.min(Integer.MAX_VALUE, (remaining + 999_999) / 1_000_000));
        setTimeout(millis);
        int n = port.readBytes(buf, len, off);
        if (n < 0) {
            throw new IOException("read(" + path + "): " + errno(port.getLastErrorCode()));
        }
        return n;
    }

    private void setTimeout(int millis) {
        if (millis != timeoutMillis) {
            port.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING | SerialPort.TIMEOUT_WRITE_BLOCKING,
                    millis, 0);
            timeoutMillis = millis;
        }
    }

    @Override
    public void close() {
        port.closePort();
    }

    /** ops12: errno in words (jSerialComm gives only the number), with the name for searching. */
    static String errno(int code) {
        return switch (code) {
            case 0 -> "failed";
            case 2 -> "no such file (ENOENT)";
            case 5 -> "input/output error (EIO)";
            case 6, 19 -> "no such device (" + (code == 6 ? "ENXIO" : "ENODEV") + ")";
            case 13 -> "permission denied (EACCES): the daemon's user needs the tty's group, usually dialout";
            case 16 -> "in use by another program (EBUSY)";
            case 21 -> "is a directory (EISDIR)";
            case 25 -> "not a serial port (ENOTTY)";
            default -> "error " + code;
        };
    }
}
