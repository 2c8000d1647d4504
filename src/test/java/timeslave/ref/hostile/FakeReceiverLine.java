package timeslave.ref.hostile;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import timeslave.ref.serial.PstQa;
import timeslave.ref.serial.ReceiverReading;
import timeslave.ref.serial.SerialLine;
import timeslave.ref.serial.SerialTiming;
import timeslave.ref.serial.Tt600Codec;

/**
 * A PST/Traconex or TT600 receiver at the far end of a 9600-baud line, on a {@link VirtualClock}: what the
 * host writes reaches it one character time per byte, its replies come back one character time per byte,
 * and a {@link Fault} makes it hostile until {@code healed} is set. Time moves only while the reference
 * reads or pauses (as with ScriptedLine, which replays recorded dialogues; this one answers live).
 */
final class FakeReceiverLine implements SerialLine {

    /** Ways the receiver misbehaves; NONE answers correctly. */
    enum Fault {
        NONE, SILENT, NOISE, TRUNCATE, BAD_STATUS, NO_TIME, FAULT_BITS, FLOOD, NO_END_OF_LINE, TOO_SOON,
        LATE_30_MS, LATE_80_MS, LATE_120_MS, LATE_200_MS, LATE_400_MS, HOUR_OFF_EVERY_THIRD, WRONG_YEAR, OLD_YEAR
    }

    private record Byte(long atMono, long seq, byte value) {
    }

    static final long CHAR = SerialTiming.CHAR_NANOS;
    /** 9.5 bit times: the TT600 latches its time that long after the start of the 'T'. */
    static final long LATCH = 1_000_000_000L * 19 / 2 / SerialTiming.BAUD;

    private final boolean tt600;
    private final Fault fault;
    private final AtomicBoolean healed;
    private final VirtualClock clock;
    private final SplittableRandom random = new SplittableRandom(600);
    private final PriorityQueue<Byte> pending = new PriorityQueue<>((a, b) -> a.atMono != b.atMono
            ? Long.compare(a.atMono, b.atMono) : Long.compare(a.seq, b.seq));
    private long seq;
    private long lineFree;
    private final StringBuilder command = new StringBuilder();
    private boolean timeOnRequest;
    private int timeReplies;

    FakeReceiverLine(boolean tt600, Fault fault, AtomicBoolean healed, VirtualClock clock) {
        this.tt600 = tt600;
        this.fault = fault;
        this.healed = healed;
        this.clock = clock;
    }

    private Fault fault() {
        return healed.get() ? Fault.NONE : fault;
    }

    @Override
    public void flush() {
        long now = clock.monotonicNanos();
        while (!pending.isEmpty() && pending.peek().atMono <= now) {
            pending.poll();
        }
    }

    @Override
    public int discardUntil(long deadlineMonoNanos) {
        int n = 0;
        while (!pending.isEmpty() && pending.peek().atMono <= deadlineMonoNanos) {
            pending.poll();
            n++;
        }
        clock.advanceTo(deadlineMonoNanos);
        return n;
    }

    @Override
    public void write(byte[] bytes) {
        long start = Math.max(clock.monotonicNanos(), lineFree);
        for (int i = 0; i < bytes.length; i++) {
            received(bytes[i] & 0x7F, start + (i + 1) * CHAR);
        }
        lineFree = start + bytes.length * CHAR;
    }

    @Override
    public int read(byte[] buf, int off, int len, long deadlineMonoNanos) {
        Byte first = pending.peek();
        if (first == null || first.atMono > deadlineMonoNanos) {
            clock.advanceTo(deadlineMonoNanos);
            return 0;
        }
        clock.advanceTo(first.atMono);
        int n = 0;
        while (n < len && !pending.isEmpty() && pending.peek().atMono <= clock.monotonicNanos()) {
            buf[off + n++] = pending.poll().value;
        }
        return n;
    }

    @Override
    public void close() {
    }

    /** Queues {@code b} as a reply whose first byte is complete at {@code firstMono}, then one per character time. */
    private void send(byte[] b, long firstMono) {
        for (int i = 0; i < b.length; i++) {
            pending.add(new Byte(firstMono + i * CHAR, seq++, b[i]));
        }
    }

    /** The truth at a monotonic instant as the receiver displays it, shifted by {@code shiftNanos}. */
    private ReceiverReading reading(long mono, long shiftNanos) {
        long ns = clock.trueAtMono(mono) + shiftNanos;
        ZonedDateTime t = Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L))
                .atZone(ZoneOffset.UTC);
        return new ReceiverReading(t.getDayOfYear(), t.getHour(), t.getMinute(), t.getSecond(), t.getNano() / 1_000_000);
    }

    private int year(long mono) {
        return Instant.ofEpochSecond(Math.floorDiv(clock.trueAtMono(mono), 1_000_000_000L)).atZone(ZoneOffset.UTC).getYear();
    }

    /** Replaces a reply as the fault says; null for silence. Flooding and lateness are handled by the caller. */
    private byte[] spoil(byte[] good, Fault f) {
        switch (f) {
            case SILENT:
                return null;
            case NOISE: {
                byte[] b = new byte[1 + random.nextInt(good.length)];
                random.nextBytes(b);
                return b;
            }
            case TRUNCATE:
                return java.util.Arrays.copyOf(good, good.length / 2);
            case FLOOD: {
                byte[] b = new byte[2_000];
                random.nextBytes(b);
                return b;
            }
            default:
                return good;
        }
    }

    private long lateness(Fault f) {
        return switch (f) {
            case LATE_30_MS -> 30_000_000L;
            case LATE_80_MS -> 80_000_000L;
            case LATE_120_MS -> 120_000_000L;
            case LATE_200_MS -> 200_000_000L;
            case LATE_400_MS -> 400_000_000L;
            default -> 0;
        };
    }

    private void received(int c, long doneMono) {
        if (tt600) {
            tt600Received(c, doneMono);
        } else {
            pstReceived(c, doneMono);
        }
    }

    private void pstReceived(int c, long doneMono) {
        command.append((char) c);
        if (command.length() > PstQa.COMMAND.length) {
            command.delete(0, command.length() - PstQa.COMMAND.length);
        }
        if (!command.toString().equals("QA0000")) {
            return;
        }
        command.setLength(0);
        Fault f = fault();
        long first = doneMono + CHAR + lateness(f);
        if (f == Fault.TOO_SOON) {
            first = doneMono - 5 * CHAR;   // a reply already on its way: it cannot be for this query
        }
        long lastBit = first + (PstQa.REPLY_LENGTH - 1) * CHAR;
        timeReplies++;
        long shift = f == Fault.HOUR_OFF_EVERY_THIRD && timeReplies % 3 == 0 ? 3_600_000_000_000L : 0;
        int status = switch (f) {
            case BAD_STATUS -> 0x41;
            case NO_TIME -> 0x00;
            case FAULT_BITS -> 0x09;
            default -> 0x08;
        };
        int code = PstQa.switchCode(year(lastBit) + (f == Fault.WRONG_YEAR ? 1 : 0));
        byte[] good = PstQa.encode(status, reading(lastBit, shift), code);
        if (f == Fault.NO_END_OF_LINE) {
            good[12] = 'x';
        }
        byte[] out = spoil(good, f);
        if (out != null) {
            send(out, first);
        }
    }

    private void tt600Received(int c, long doneMono) {
        Fault f = fault();
        if (c == 0x03) {
            command.setLength(0);
            timeOnRequest = false;
            return;
        }
        if (timeOnRequest && c == 'T') {
            long latch = doneMono - CHAR + LATCH;
            timeReplies++;
            long shift = f == Fault.HOUR_OFF_EVERY_THIRD && timeReplies % 3 == 0 ? 3_600_000_000_000L : 0;
            byte[] good = Tt600Codec.encodeTime(reading(latch, shift), f == Fault.NO_TIME || f == Fault.FAULT_BITS ? '?' : ' ');
            if (f == Fault.BAD_STATUS) {
                good[0] = 'X';
            }
            if (f == Fault.NO_END_OF_LINE) {
                good[19] = 'x';
            }
            long first = doneMono + CHAR + lateness(f);
            if (f == Fault.TOO_SOON) {
                first = doneMono - 8 * CHAR;
            }
            byte[] out = spoil(good, f);
            if (out != null) {
                send(out, first);
            }
            return;
        }
        if (c == '\n') {
            return;
        }
        if (c != '\r') {
            if (command.length() < 64) {
                command.append((char) c);
            }
            return;
        }
        String cmd = command.toString().toLowerCase(Locale.ROOT);
        command.setLength(0);
        String answer = switch (cmd) {
            case "f69" -> "F69 UTC     \r\n";
            case "f02" -> "F02 24\r\n";
            case "f11" -> "F11 \r\n";
            case "f68" -> "F68 " + (f == Fault.OLD_YEAR ? 1995 : year(doneMono)) + "\r\n";
            case "f09" -> {
                timeOnRequest = true;
                yield null;
            }
            default -> Tt600Codec.RESYNC_REPLY;
        };
        if (answer == null) {
            return;
        }
        byte[] b = answer.getBytes(StandardCharsets.US_ASCII);
        if (f == Fault.NO_END_OF_LINE) {
            b = (answer.strip() + " and so on and so on and so on and so on").getBytes(StandardCharsets.US_ASCII);
        }
        if (f == Fault.SILENT || f == Fault.NOISE || f == Fault.FLOOD) {
            b = spoil(b, f);
        }
        if (b != null) {
            send(b, doneMono + CHAR);
        }
    }
}
