package timeslave.ref.rfc868;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import com.sun.jna.LastErrorException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import timeslave.ref.WallTime;

/** What reaches libc from the raw ICMP socket (Mockito at the JNA edge only). */
class RawIcmpSocketTest {
    private final RawIcmpSocket.LibC libc = mock(RawIcmpSocket.LibC.class);
    private final RawIcmpSocket socket = new RawIcmpSocket(libc, 7, new WallTime(0));

    @Test
    void sockaddrInHasHostOrderFamilyAndNetworkOrderAddress() throws Exception {
        byte[] sa = RawIcmpSocket.sockaddrIn((Inet4Address) InetAddress.getByName("127.0.0.1"));
        byte[] family = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? new byte[] {2, 0} : new byte[] {0, 2};
        assertArrayEquals(new byte[] {family[0], family[1], 0, 0, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, sa);
    }

    @Test
    void sendPassesTheMessageAndAddressToSendto() throws Exception {
        byte[] msg = IcmpTimestamp.request(1, 2, 3);
        socket.send(msg, (Inet4Address) InetAddress.getByName("127.0.0.1"));
        verify(libc).sendto(eq(7), eq(msg), eq(20L), eq(0), any(byte[].class), eq(16));
    }

    @Test
    void pollTimeoutIsNothingAndEintrIsNothing() throws Exception {
        when(libc.poll(any(byte[].class), eq(1L), anyInt())).thenReturn(0);
        assertNull(socket.receive(System.nanoTime() + 1_000_000));
        when(libc.poll(any(byte[].class), eq(1L), anyInt())).thenThrow(new LastErrorException(4));
        assertNull(socket.receive(System.nanoTime() + 1_000_000));
    }

    @Test
    void receivedBytesAreCopiedToTheirLength() throws Exception {
        byte[] reply = IcmpTimestamp.replyDatagram(new byte[] {127, 0, 0, 1}, 1, 2, 3, 4, 4);
        when(libc.poll(any(byte[].class), eq(1L), anyInt())).thenReturn(1);
        when(libc.recvfrom(eq(7), any(byte[].class), anyLong(), eq(0), any(), any())).thenAnswer(inv -> {
            byte[] buf = inv.getArgument(1);
            System.arraycopy(reply, 0, buf, 0, reply.length);
            return (long) reply.length;
        });
        IcmpChannel.Datagram d = socket.receive(System.nanoTime() + 1_000_000);
        assertArrayEquals(reply, d.data());
        assertEquals(4, IcmpTimestamp.parse(d.data()).receive());
    }
}
