package timeslave.ref.sntp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import timeslave.os.KernelStampedUdpSocket;
import timeslave.os.SystemTime;
import timeslave.time.TimeSource;

/** Receive stamps: the kernel's when it gives one, turned into the TimeSource's pair of clocks; user-space otherwise. */
class UdpPortTest {
    static final InetSocketAddress SERVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 123);
    static final long REAL = 1_800_000_000_000_000_000L;
    static final long MONO = 5_000_000_000L;

    /** A clock standing still at REAL/MONO; {@code kernel} says whether it claims to be CLOCK_REALTIME. */
    record StillTime(boolean kernel) implements TimeSource {
        @Override
        public long realtimeNanos() {
            return REAL;
        }

        @Override
        public long monotonicNanos() {
            return MONO;
        }

        @Override
        public boolean kernelRealtime() {
            return kernel;
        }
    }

    /** Hands out queued datagrams. */
    static class FakeEndpoint implements UdpPort.Endpoint {
        final Deque<KernelStampedUdpSocket.Received> queue = new ArrayDeque<>();
        long txStamp = KernelStampedUdpSocket.NO_STAMP;

        @Override
        public long send(byte[] data, InetSocketAddress to, Runnable justBefore) {
            justBefore.run();
            return txStamp;
        }

        @Override
        public KernelStampedUdpSocket.Received receive(int timeoutMillis) {
            return queue.poll();
        }

        @Override
        public int localPort() {
            return 4242;
        }

        @Override
        public void close() {
        }
    }

    private static UdpPort.Datagram receiveStamped(boolean kernelClock, long stamp) throws IOException {
        FakeEndpoint e = new FakeEndpoint();
        e.queue.add(new KernelStampedUdpSocket.Received(new byte[]{1, 2}, SERVER, stamp));
        UdpPort port = new UdpPort(SERVER, new StillTime(kernelClock), e);
        UdpPort.Datagram d = port.receive(MONO);
        assertNotNull(d);
        assertArrayEquals(new byte[]{1, 2}, d.data());
        return d;
    }

    @Test
    void aKernelStampIsTheReceiveTimeAndItsMonotonicTwinIsMovedBackByItsAge() throws IOException {
        UdpPort.Datagram d = receiveStamped(true, REAL - 300_000);
        assertEquals(REAL - 300_000, d.realtimeNanos());
        assertEquals(MONO - 300_000, d.monoNanos(), "the same instant on the monotonic clock");
    }

    @Test
    void withoutAUsableKernelStampTheUserSpaceStampIsUsed() throws IOException {
        for (long stamp : new long[]{KernelStampedUdpSocket.NO_STAMP, REAL + 1, REAL - UdpPort.MAX_STAMP_AGE_NANOS - 1}) {
            UdpPort.Datagram d = receiveStamped(true, stamp);
            assertEquals(REAL, d.realtimeNanos(), "stamp " + stamp);
            assertEquals(MONO, d.monoNanos(), "stamp " + stamp);
        }
        UdpPort.Datagram d = receiveStamped(false, REAL - 300_000);
        assertEquals(REAL, d.realtimeNanos(), "a clock that is not CLOCK_REALTIME does not take the kernel's stamps");
        assertEquals(MONO, d.monoNanos());
    }

    /** A clock that moves 1 µs at every reading. */
    static final class TickingTime implements TimeSource {
        long real = REAL;

        @Override
        public long realtimeNanos() {
            return real += 1_000;
        }

        @Override
        public long monotonicNanos() {
            return MONO;
        }

        @Override
        public boolean kernelRealtime() {
            return true;
        }
    }

    @Test
    void withoutATransmitStampT1IsReadAfterTheStaleStampsAreReadAway() throws IOException {
        // Reading away stale stamps costs system calls (tens of µs each in a UML guest): before the fix
        // T1 was read before them, so the datagram left later than T1 and the offset leaned positive.
        TickingTime time = new TickingTime();
        long[] sentAt = new long[1];
        FakeEndpoint e = new FakeEndpoint() {
            @Override
            public void readyToSend() {
                time.real += 80_000;
            }

            @Override
            public long send(byte[] data, InetSocketAddress to, Runnable justBefore) {
                justBefore.run();
                sentAt[0] = time.real;
                return KernelStampedUdpSocket.NO_STAMP;
            }
        };
        UdpPort port = new UdpPort(SERVER, time, e);
        long t1 = port.send(new byte[1]);
        assertEquals(sentAt[0], t1, "T1 is the last reading before the send call");
    }

    @Test
    void t1IsReadByTheEndpointAfterItHasMadeTheAddressReady() throws IOException {
        // On a UML guest, T1 read before the address was built and handed to JNA left about 50 µs before
        // the datagram: exchanges from the daemon's port took 190-260 µs against 130-195 µs afterwards.
        TickingTime time = new TickingTime();
        long[] readAt = new long[1];
        FakeEndpoint e = new FakeEndpoint() {
            @Override
            public long send(byte[] data, InetSocketAddress to, Runnable justBefore) {
                time.real += 50_000;   // preparing the address
                justBefore.run();
                readAt[0] = time.real;
                return KernelStampedUdpSocket.NO_STAMP;
            }
        };
        long t1 = new UdpPort(SERVER, time, e).send(new byte[1]);
        assertEquals(readAt[0], t1, "T1 is the reading the endpoint took just before its system call");
        assertEquals(REAL + 51_000, t1);
    }

    @Test
    void aKernelTransmitStampBetweenTheReadingsAroundTheSendIsT1() throws IOException {
        FakeEndpoint e = new FakeEndpoint();
        UdpPort port = new UdpPort(SERVER, new TickingTime(), e);
        e.txStamp = REAL + 1_500;   // readings around the send: REAL + 1000 and REAL + 2000
        assertEquals(REAL + 1_500, port.send(new byte[1]));
        assertTrue(port.lastSendKernelStamped());
        e.txStamp = REAL + 3_900;   // readings: +3000 and +4000
        assertEquals(REAL + 3_900, port.send(new byte[1]));
        e.txStamp = REAL;           // before the send: not this packet's
        assertEquals(REAL + 5_000, port.send(new byte[1]));
        assertFalse(port.lastSendKernelStamped());
        e.txStamp = KernelStampedUdpSocket.NO_STAMP;
        assertEquals(REAL + 7_000, port.send(new byte[1]), "no stamp: the reading before the send");
    }

    @Test
    void aTimeoutIsNull() throws IOException {
        assertNull(new UdpPort(SERVER, new StillTime(true), new FakeEndpoint()).receive(MONO));
    }

    /** The real socket on loopback: kernel stamps come, lie before the user-space reading after the read, and are recent. */
    @Test
    @Timeout(20)
    void onLoopbackTheKernelStampsEveryDatagram() throws IOException {
        SystemTime time = new SystemTime();
        try (DatagramSocket echo = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
             UdpPort port = new UdpPort((InetSocketAddress) echo.getLocalSocketAddress(), time)) {
            assertTrue(port.kernelStamps(), "SO_TIMESTAMPNS socket opened");
            for (int i = 0; i < 5; i++) {
                port.send(new byte[]{(byte) i});
                assertTrue(port.lastSendKernelStamped(), "loopback stamps transmissions too");
                DatagramPacket p = new DatagramPacket(new byte[16], 16);
                echo.receive(p);
                echo.send(new DatagramPacket(p.getData(), p.getLength(), p.getSocketAddress()));
                long before = time.realtimeNanos();
                UdpPort.Datagram d = port.receive(time.monotonicNanos() + 5_000_000_000L);
                long after = time.realtimeNanos();
                assertNotNull(d);
                assertEquals(i, d.data()[0]);
                assertEquals(echo.getLocalPort(), d.from().getPort());
                assertTrue(port.fromServer(d.from()), d.from().toString());
                // On loopback the reply is queued during echo.send, before `before` is read: only a
                // kernel stamp can be earlier than it (a user-space one is taken after the read).
                assertTrue(d.realtimeNanos() < before && d.realtimeNanos() > before - 1_000_000_000L && before <= after,
                        "kernel stamp " + d.realtimeNanos() + " before the receive call at " + before);
            }
        }
    }

    /** chronyd on loopback measured through the kernel-stamping socket: offset 0 within its bound. */
    @Test
    @Timeout(30)
    void chronydOnLoopbackWithKernelStamps(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        int port = timeslave.ref.ExternalServer.freeUdpPort();
        try (timeslave.ref.ExternalServer chronyd = timeslave.ref.ExternalServer.chronyd(dir, port, null);
             SntpReference ref = new SntpReference("sntp:127.0.0.1:" + port,
                     new InetSocketAddress(InetAddress.getLoopbackAddress(), port), ChronydInteropTest.config(),
                     new SystemTime(), new timeslave.ref.ListLog(0))) {
            timeslave.time.Sample s = ChronydInteropTest.measureWhenUp(ref, chronyd);
            System.out.println("chronyd, kernel receive stamps: " + timeslave.ref.OnceLine.format(s));
            assertTrue(Math.abs(s.offsetNanos()) <= s.errorNanos() + 20_000, "offset 0 within the bound: " + s);
            assertTrue(s.delayNanos() < 1_000_000, "loopback: " + s);
        }
    }
}
