package timeslave.os;

/**
 * Which of the kernel's transmit stamps of one send becomes its T1. The driver's stamp as it sends
 * (SND) where the driver gives one; else the stamp as the datagram entered the device's queue (SCHED),
 * taken inside the send call and so still nearer the wire than a user-space reading. A socket asks for
 * both; a send's stamps come one by one from its error queue and are {@link #offer offered} here.
 *
 * <p>Waiting: while SND stamps are expected, a send waits for its own (up to the socket's limit) and
 * takes SCHED only if none comes. After {@link #GIVE_UP} sends in a row without an SND stamp, while none
 * ever came, the driver is taken to give none: each send then takes its SCHED stamp without waiting.
 * After {@link #GIVE_UP} sends with no stamp of either kind, while none ever came, the socket stops
 * asking ({@link #asking}), and T1 is the reading before the send.
 */
final class TransmitStampChoice {
    /** sock_extended_err.ee_info of a stamp as the driver sent the packet (linux/net_tstamp.h). */
    static final int SND = 0;
    /** ee_info of a stamp as the packet entered the device's queue. */
    static final int SCHED = 1;
    /** Sends in a row without a stamp of a kind, before that kind is taken to be missing. */
    static final int GIVE_UP = 3;

    private long snd;
    private long sched;
    private boolean sndSeen;
    private boolean anySeen;
    private int sndMisses;
    private int allMisses;

    /** A send was made: its stamps follow. */
    void begin() {
        snd = KernelStampedUdpSocket.NO_STAMP;
        sched = KernelStampedUdpSocket.NO_STAMP;
    }

    /** One message from the error queue: its kind (ee_info) and stamp; other kinds and messages are ignored. */
    void offer(int kind, long stamp) {
        if (stamp == KernelStampedUdpSocket.NO_STAMP) {
            return;
        }
        if (kind == SND) {
            snd = stamp;
        } else if (kind == SCHED) {
            sched = stamp;
        }
    }

    /** Whether this send should wait for more of its stamps. */
    boolean waiting() {
        if (snd != KernelStampedUdpSocket.NO_STAMP) {
            return false;
        }
        boolean sndExpected = sndSeen || sndMisses < GIVE_UP;
        return sndExpected || sched == KernelStampedUdpSocket.NO_STAMP && asking();
    }

    /** The send's T1 stamp (SND, else SCHED, else {@link KernelStampedUdpSocket#NO_STAMP}); counts what was missing. */
    long end() {
        if (snd != KernelStampedUdpSocket.NO_STAMP) {
            sndSeen = true;
            sndMisses = 0;
        } else {
            sndMisses++;
        }
        if (snd != KernelStampedUdpSocket.NO_STAMP || sched != KernelStampedUdpSocket.NO_STAMP) {
            anySeen = true;
            allMisses = 0;
            return snd != KernelStampedUdpSocket.NO_STAMP ? snd : sched;
        }
        allMisses++;
        return KernelStampedUdpSocket.NO_STAMP;
    }

    /** Whether sends should still read their stamps: false once {@link #GIVE_UP} sends brought none and none ever came. */
    boolean asking() {
        return anySeen || allMisses < GIVE_UP;
    }
}
