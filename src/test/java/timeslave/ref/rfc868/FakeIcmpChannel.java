package timeslave.ref.rfc868;

import java.net.Inet4Address;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import timeslave.time.Epochs;
import timeslave.time.TimeSource;

/**
 * An ICMP channel whose "network" is a script: each request sent is handed to it, and it queues
 * the datagrams the host would then receive (good replies, forgeries, strays).
 */
public final class FakeIcmpChannel implements IcmpChannel {

    /** Builds the datagrams that arrive after one request. */
    public interface Script {
        List<byte[]> answer(int n, int id, int sequence, long originate, Inet4Address to);
    }

    private final TimeSource time;
    private final Script script;
    private final Deque<byte[]> queue = new ArrayDeque<>();
    final List<Integer> sentSequences = new ArrayList<>();
    boolean closed;

    public FakeIcmpChannel(TimeSource time, Script script) {
        this.time = time;
        this.script = script;
    }

    /** ms of the UT day on a server whose clock is shiftNanos ahead, truncated as Linux does. */
    public static long serverMillis(TimeSource time, long shiftNanos) {
        return Epochs.nanosOfUtDay(time.realtimeNanos() + shiftNanos) / Epochs.NANOS_PER_MILLI;
    }

    @Override
    public long send(byte[] icmp, Inet4Address to) {
        long t1 = time.realtimeNanos();
        int id = IcmpTimestamp.get16(icmp, 4);
        int seq = IcmpTimestamp.get16(icmp, 6);
        sentSequences.add(seq);
        queue.addAll(script.answer(sentSequences.size(), id, seq, IcmpTimestamp.get32(icmp, 8), to));
        return t1;
    }

    @Override
    public Datagram receive(long deadlineMonoNanos) {
        byte[] d = queue.poll();
        return d == null ? null : new Datagram(d, time.realtimeNanos(), time.monotonicNanos());
    }

    @Override
    public void close() {
        closed = true;
    }
}
