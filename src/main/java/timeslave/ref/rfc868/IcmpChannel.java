package timeslave.ref.rfc868;

import java.io.IOException;
import java.net.Inet4Address;

/** Where ICMP timestamp probes go: the raw socket in production, a hand-written fake in tests. */
public interface IcmpChannel extends AutoCloseable {

    /** One received raw datagram (IPv4 header + ICMP) and the local real-time/monotonic stamps taken right after it. */
    record Datagram(byte[] data, long realtimeNanos, long monoNanos) {
    }

    /** Sends one ICMP message; returns the local real-time stamp taken immediately before the send call. */
    long send(byte[] icmp, Inet4Address to) throws IOException;

    /** Waits until the monotonic deadline for one datagram; null on timeout. */
    Datagram receive(long deadlineMonoNanos) throws IOException;

    @Override
    void close();
}
