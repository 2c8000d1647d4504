package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.jna.Memory;
import org.junit.jupiter.api.Test;

class TransmitStampChoiceTest {
    private static final long NONE = KernelStampedUdpSocket.NO_STAMP;

    /** One send: offers the (kind, stamp) pairs, then whether it still waited, and its T1 stamp. */
    private static long send(TransmitStampChoice c, long... kindAndStamp) {
        c.begin();
        for (int i = 0; i < kindAndStamp.length; i += 2) {
            c.offer((int) kindAndStamp[i], kindAndStamp[i + 1]);
        }
        return c.end();
    }

    @Test
    void theDriversStampWinsOverTheQueuesAndEndsTheWait() {
        TransmitStampChoice c = new TransmitStampChoice();
        c.begin();
        c.offer(TransmitStampChoice.SCHED, 1_000);
        assertTrue(c.waiting(), "SCHED alone: the SND stamp is still expected");
        c.offer(TransmitStampChoice.SND, 1_400);
        assertFalse(c.waiting());
        assertEquals(1_400, c.end());
    }

    @Test
    void aDriverWithoutSndStampsGetsItsSchedStampTakenWithoutWaitingAfterThreeSends() {
        TransmitStampChoice c = new TransmitStampChoice();
        for (int i = 0; i < TransmitStampChoice.GIVE_UP; i++) {
            c.begin();
            c.offer(TransmitStampChoice.SCHED, 100 * i);
            assertTrue(c.waiting(), "send " + i + " still waits for SND");
            assertEquals(100 * i, c.end(), "SCHED is T1 when SND does not come");
        }
        c.begin();
        c.offer(TransmitStampChoice.SCHED, 5_000);
        assertFalse(c.waiting(), "SND given up: SCHED is enough");
        assertEquals(5_000, c.end());
        assertTrue(c.asking());
    }

    @Test
    void onceSndStampsCameEachSendWaitsForItsOwn() {
        TransmitStampChoice c = new TransmitStampChoice();
        assertEquals(20, send(c, TransmitStampChoice.SCHED, 10, TransmitStampChoice.SND, 20));
        for (int i = 0; i < 5; i++) {
            assertEquals(30, send(c, TransmitStampChoice.SCHED, 30), "a missing SND falls back to SCHED");
        }
        c.begin();
        c.offer(TransmitStampChoice.SCHED, 40);
        assertTrue(c.waiting(), "a driver that stamped once is waited for");
    }

    @Test
    void noStampsAtAllStopTheAskingAfterThreeSendsUnlessOneEverCame() {
        TransmitStampChoice c = new TransmitStampChoice();
        for (int i = 0; i < TransmitStampChoice.GIVE_UP; i++) {
            assertTrue(c.asking());
            assertEquals(NONE, send(c));
        }
        assertFalse(c.asking());

        TransmitStampChoice seen = new TransmitStampChoice();
        assertEquals(7, send(seen, TransmitStampChoice.SCHED, 7));
        for (int i = 0; i < 10; i++) {
            assertEquals(NONE, send(seen));
        }
        assertTrue(seen.asking(), "a socket that was stamped once keeps asking");
    }

    @Test
    void otherKindsAndMessagesWithoutAStampAreIgnored() {
        TransmitStampChoice c = new TransmitStampChoice();
        assertEquals(NONE, send(c, 2 /* SCM_TSTAMP_ACK */, 50, KernelStampedUdpSocket.NO_KIND, 60,
                TransmitStampChoice.SND, NONE));
    }

    /** struct cmsghdr + sock_extended_err as the kernel queues them with a transmit stamp. */
    private static Memory recvErr(Memory m, long off, int level, int type, int errno, int origin, int info) {
        m.setLong(off, KernelStampedUdpSocket.CMSGHDR_BYTES + 16);
        m.setInt(off + 8, level);
        m.setInt(off + 12, type);
        m.setInt(off + 16, errno);
        m.setByte(off + 20, (byte) origin);
        m.setInt(off + 24, info);
        return m;
    }

    @Test
    void theKindIsTheTimestampingErrorsInfo() {
        Memory m = new Memory(64);
        m.clear();
        recvErr(m, 0, KernelStampedUdpSocket.SOL_IP, KernelStampedUdpSocket.IP_RECVERR, 42 /* ENOMSG */,
                KernelStampedUdpSocket.SO_EE_ORIGIN_TIMESTAMPING, TransmitStampChoice.SCHED);
        assertEquals(TransmitStampChoice.SCHED, KernelStampedUdpSocket.stampKind(m, 32));
        recvErr(m, 0, KernelStampedUdpSocket.SOL_IPV6, KernelStampedUdpSocket.IPV6_RECVERR, 42,
                KernelStampedUdpSocket.SO_EE_ORIGIN_TIMESTAMPING, TransmitStampChoice.SND);
        assertEquals(TransmitStampChoice.SND, KernelStampedUdpSocket.stampKind(m, 32));
        recvErr(m, 0, KernelStampedUdpSocket.SOL_IP, KernelStampedUdpSocket.IP_RECVERR, KernelStampedUdpSocket.ECONNREFUSED,
                KernelStampedUdpSocket.SO_EE_ORIGIN_ICMP, 0);
        assertEquals(KernelStampedUdpSocket.NO_KIND, KernelStampedUdpSocket.stampKind(m, 32), "an ICMP error is no stamp");
        assertEquals(KernelStampedUdpSocket.NO_KIND, KernelStampedUdpSocket.stampKind(m, 0), "no messages");
        recvErr(m, 0, KernelStampedUdpSocket.SOL_IP, KernelStampedUdpSocket.IP_RECVERR, 42,
                KernelStampedUdpSocket.SO_EE_ORIGIN_TIMESTAMPING, TransmitStampChoice.SCHED);
        assertEquals(KernelStampedUdpSocket.NO_KIND, KernelStampedUdpSocket.stampKind(m, 24), "a message cut short");
    }
}
