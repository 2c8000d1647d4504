package timeslave.ref.serial.emu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import timeslave.ref.serial.JSerialCommLine;
import timeslave.ref.serial.PstQa;
import timeslave.ref.serial.ReceiverReading;
import timeslave.ref.serial.ReceiverType;
import timeslave.ref.serial.SerialLine;
import timeslave.ref.serial.SerialTiming;
import timeslave.ref.serial.Tt600Codec;
import timeslave.time.TimeSource;

/**
 * A PST/Traconex WWV or TT600 receiver on the far end of a tty (usually one side of a socat pty
 * pair), answering the real dialogue with the time of a {@link ReceiverClock} and the timing of a
 * 9600-baud line: each received character counts as complete one character time after the line
 * was free, each reply character is written one character time after the previous, the PST time
 * is correct at the reply's last bit and the TT600 latches 9.5 bit times into the 'T'.
 * If the tty goes away it keeps trying to reopen it. Run it with {@code bin/timeslave-receiver-emu}.
 */
public final class ReceiverEmulator implements Runnable {

    /** How long one read waits, so that {@link #stop()} is noticed. */
    static final long POLL_NANOS = 100_000_000L;
    /** Pause between attempts to reopen a vanished tty. */
    static final long REOPEN_PAUSE_NANOS = 50_000_000L;
    /** Pacing sleeps until this close to a deadline, then spins (parkNanos overshoots by ~50-100 µs). */
    static final long SPIN_NANOS = 300_000L;
    /** 9.5 bit times: the TT600 latches its time that long after the start of the 'T'. */
    static final long TT600_LATCH_NANOS = 1_000_000_000L * 19 / 2 / SerialTiming.BAUD;
    /** The clock is "slow to enter" F09: the first 'T' after f09 is answered this much later. */
    static final long TT600_F09_SLOWNESS_NANOS = 5_000_000L;
    /** Longest TT600 command line kept. */
    static final int MAX_COMMAND = 64;

    private final ReceiverType type;
    private final String tty;
    private final ReceiverClock clock;
    private final SerialLine.Opener opener;
    private final TimeSource time;
    private final Random random;
    private final double glitchRate;
    private final Integer yearSwitch;
    private final Consumer<String> events;

    private volatile Fault fault = Fault.NONE;
    private volatile boolean stopped;
    private volatile boolean connected;
    private volatile Thread thread;

    private SerialLine line;
    private long lineFreeMono;
    private final StringBuilder command = new StringBuilder();
    private boolean timeOnRequest;
    private boolean firstT;
    private String timeScale = "UTC";
    private String hourFormat = "24";
    private String outputFormat = "";
    private long replies;

    /**
     * @param yearSwitch the PST year switches (0-15), or null for the receiver clock's own year
     * @param events     where to say what happens (stderr with -v), never null
     */
    public ReceiverEmulator(ReceiverType type, String tty, ReceiverClock clock, SerialLine.Opener opener,
                            TimeSource time, long seed, double glitchRate, Integer yearSwitch, Consumer<String> events) {
        this.type = type;
        this.tty = tty;
        this.clock = clock;
        this.opener = opener;
        this.time = time;
        this.random = new Random(seed);
        this.glitchRate = glitchRate;
        this.yearSwitch = yearSwitch;
        this.events = events;
    }

    /** Misbehaves in this way from now on (NONE to behave). */
    public void setFault(Fault f) {
        fault = f;
    }

    /** TT600 settings as if left by an earlier owner, e.g. ("LOCAL", "12", "x"); the daemon must set them back. */
    public synchronized void setTt600Settings(String scale, String hours, String format) {
        timeScale = scale;
        hourFormat = hours;
        outputFormat = format;
    }

    public synchronized String tt600Settings() {
        return timeScale + "/" + hourFormat + "/" + outputFormat;
    }

    /** True while the tty is open. */
    public boolean connected() {
        return connected;
    }

    /** Waits until the tty is open, at most {@code millis}; true if it is. */
    public boolean awaitConnected(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        while (!connected && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        return connected;
    }

    public long replies() {
        return replies;
    }

    /** Starts answering on a daemon thread. */
    public ReceiverEmulator start() {
        Thread t = new Thread(this, "receiver-emu " + tty);
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    public void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void run() {
        byte[] buf = new byte[256];
        while (!stopped) {
            if (line == null) {
                try {
                    line = opener.open(tty);
                    connected = true;
                    events.accept("opened " + tty);
                } catch (IOException e) {
                    pace(time.monotonicNanos() + REOPEN_PAUSE_NANOS);
                    continue;
                }
            }
            try {
                int n = line.read(buf, 0, buf.length, time.monotonicNanos() + POLL_NANOS);
                long arrival = time.monotonicNanos();
                for (int i = 0; i < n; i++) {
                    lineFreeMono = Math.max(lineFreeMono, arrival) + SerialTiming.CHAR_NANOS;
                    received(buf[i] & 0x7F, lineFreeMono);
                }
            } catch (IOException e) {
                events.accept("lost " + tty + ": " + e.getMessage());
                line.close();
                line = null;
                connected = false;
            }
        }
        if (line != null) {
            line.close();
            connected = false;
        }
    }

    /** One character, complete on the line at host monotonic {@code doneMono}. */
    private void received(int c, long doneMono) throws IOException {
        if (type.isWwv()) {
            pstReceived(c, doneMono);
        } else {
            tt600Received(c, doneMono);
        }
    }

    private void pstReceived(int c, long doneMono) throws IOException {
        if (c == 0x03) {
            command.setLength(0);
            return;
        }
        command.append((char) c);
        if (command.length() > PstQa.COMMAND.length) {
            command.delete(0, command.length() - PstQa.COMMAND.length);
        }
        if (command.length() == PstQa.COMMAND.length && command.charAt(0) == 'Q' && command.charAt(1) == 'A') {
            command.setLength(0);
            Fault f = timeFault();
            int status = f == Fault.BAD_STATUS ? 0x41 : f == Fault.NO_TIME ? 0x00 : f == Fault.FAULT_BITS ? 0x09 : 0x08;
            reply(start -> {
                ReceiverClock.Label l = clock.labelAt(start + PstQa.REPLY_LENGTH * SerialTiming.CHAR_NANOS);
                int code = yearSwitch != null ? yearSwitch : PstQa.switchCode(l.year());
                return PstQa.encode(status, l.reading(), code);
            }, doneMono, f);
        }
    }

    private void tt600Received(int c, long doneMono) throws IOException {
        if (c == 0x03) {
            command.setLength(0);
            timeOnRequest = false;
            events.accept("^C");
            return;
        }
        if (timeOnRequest && c == 'T') {
            events.accept("T");
            long latch = doneMono - SerialTiming.CHAR_NANOS + TT600_LATCH_NANOS;
            long start = doneMono;
            if (firstT) {
                firstT = false;
                start += TT600_F09_SLOWNESS_NANOS;
            }
            Fault f = timeFault();
            char q = f == Fault.NO_TIME || f == Fault.FAULT_BITS ? '?' : ' ';
            byte[] b = Tt600Codec.encodeTime(clock.labelAt(latch).reading(), q);
            if (f == Fault.BAD_STATUS) {
                b[0] = 'X';
            }
            reply(x -> b, start, f);
            return;
        }
        if (c == '\n') {
            return;
        }
        if (c != '\r') {
            if (command.length() < MAX_COMMAND) {
                command.append((char) c);
            }
            return;
        }
        String cmd = command.toString().toLowerCase(Locale.ROOT);
        command.setLength(0);
        events.accept("command \"" + cmd + "\"");
        String answer = tt600Command(cmd, doneMono);
        if (answer != null) {
            Fault f = fault == Fault.SILENT || fault == Fault.NOISE ? fault : Fault.NONE;
            byte[] b = answer.getBytes(StandardCharsets.US_ASCII);
            reply(x -> b, doneMono, f);
        }
    }

    /** The XL-DC functions timeslave uses; null when the function answers nothing. */
    private synchronized String tt600Command(String cmd, long doneMono) {
        switch (cmd) {
            case "f69": return String.format("F69 %-8s\r\n", timeScale);
            case "f69utc": timeScale = "UTC"; return Tt600Codec.OK_REPLY;
            case "f69local": timeScale = "LOCAL"; return Tt600Codec.OK_REPLY;
            case "f69gps": timeScale = "GPS"; return Tt600Codec.OK_REPLY;
            case "f02": return "F02 " + hourFormat + "\r\n";
            case "f0224": hourFormat = "24"; return Tt600Codec.OK_REPLY;
            case "f0212": hourFormat = "12"; return Tt600Codec.OK_REPLY;
            case "f11": return "F11 " + outputFormat + "\r\n";
            case "f68": return "F68 " + clock.labelAt(doneMono).year() + "\r\n";
            case "f09":
                timeOnRequest = true;
                firstT = true;
                return null;
            default:
                if (cmd.startsWith("f11")) {
                    outputFormat = cmd.substring(3).trim();
                    return Tt600Codec.OK_REPLY;
                }
                return Tt600Codec.RESYNC_REPLY;
        }
    }

    /** The fault for this time reply: the configured one, or a random glitch. */
    private Fault timeFault() {
        Fault f = fault;
        if (f == Fault.NONE && glitchRate > 0 && random.nextDouble() < glitchRate) {
            Fault[] glitches = {Fault.NOISE, Fault.TRUNCATE, Fault.SILENT};
            f = glitches[random.nextInt(glitches.length)];
            events.accept("glitch " + f);
        }
        return f;
    }

    /**
     * Writes the reply paced at one character time per byte, the first complete at start + 1 char.
     * If this thread was scheduled late the reply starts late, and {@code build} is told the real
     * start, so a receiver whose time is "correct at the last bit" stays correct.
     */
    private void reply(LongFunction<byte[]> build, long plannedStartMono, Fault f) throws IOException {
        long startMono = Math.max(plannedStartMono, time.monotonicNanos() - SerialTiming.CHAR_NANOS);
        byte[] b = build.apply(startMono);
        byte[] out = b;
        switch (f) {
            case SILENT:
                return;
            case NOISE:
                out = new byte[1 + random.nextInt(b.length)];
                random.nextBytes(out);
                break;
            case TRUNCATE:
                out = java.util.Arrays.copyOf(b, b.length / 2);
                break;
            default:
                break;
        }
        for (int i = 0; i < out.length; i++) {
            pace(startMono + (i + 1) * SerialTiming.CHAR_NANOS);
            line.write(new byte[] {out[i]});
        }
        replies++;
    }

    private void pace(long deadlineMono) {
        long remaining;
        while ((remaining = deadlineMono - time.monotonicNanos()) > 0) {
            if (remaining > SPIN_NANOS) {
                LockSupport.parkNanos(remaining - SPIN_NANOS);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** {@code bin/timeslave-receiver-emu}: see man/timeslave-receiver-emu.1. */
    public static void main(String[] args) {
        EmulatorCommand.main(args);
    }

}
