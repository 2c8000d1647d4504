package timeslave.os;

import com.sun.jna.Memory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import timeslave.ref.sntp.NtpPacket;

/**
 * Experiment (run inside a User-Mode Linux guest by timeslave.uml.SendGapRun, never by the suite): how
 * long after a user-space reading of the clock a datagram really leaves. Each round reads the clock as
 * the SNTP reference does, sends, and collects the kernel's transmit stamps of both kinds it asked for
 * (SCHED: as the datagram entered the device queue; SND: as the driver sent it). Prints one line per
 * round: "gap KIND ns" for each stamp, and the send call's own length.
 *
 * The reply is then read with its kernel receive stamp, and the exchange's delay and offset printed.
 *
 * <p>Arguments: {@code HOST PORT ROUNDS PAUSE_MS [MODE]}; MODE {@code block} waits for the reply in poll(2)
 * (else it spins 5 ms reading transmit stamps first), {@code conn…} connects the socket first.
 */
public final class SendGapExperiment {
    static final int SOF_TIMESTAMPING_TX_SCHED = 1 << 8;

    private SendGapExperiment() {
    }

    private static final SystemTime TIME = new SystemTime();

    static long now() {
        return TIME.realtimeNanos();
    }

    /** A struct msghdr for recvmsg into {@code buf} (2048 bytes) with 512 bytes of control messages. */
    private static void prepare(Memory msg, Memory iov, Memory buf, Memory control) {
        iov.setPointer(0, buf);
        iov.setLong(8, 2048);
        msg.clear();
        msg.setPointer(16, iov);
        msg.setLong(24, 1);
        msg.setPointer(32, control);
        msg.setLong(40, 512);
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        int rounds = Integer.parseInt(args[2]);
        long pause = Long.parseLong(args[3]);
        int fd = SocketCalls.socket(KernelStampedUdpSocket.AF_INET, KernelStampedUdpSocket.SOCK_DGRAM, 0);
        SocketCalls.setsockopt(fd, KernelStampedUdpSocket.SOL_SOCKET, KernelStampedUdpSocket.SO_TIMESTAMPING,
                new int[]{SOF_TIMESTAMPING_TX_SCHED | KernelStampedUdpSocket.SOF_TIMESTAMPING_TX_SOFTWARE
                        | KernelStampedUdpSocket.SOF_TIMESTAMPING_SOFTWARE | KernelStampedUdpSocket.SOF_TIMESTAMPING_OPT_TSONLY}, 4);
        SocketCalls.setsockopt(fd, KernelStampedUdpSocket.SOL_IP, KernelStampedUdpSocket.IP_RECVERR, new int[]{1}, 4);
        byte[] addr = KernelStampedUdpSocket.sockaddr(to, KernelStampedUdpSocket.AF_INET);
        Memory msg = new Memory(KernelStampedUdpSocket.MSGHDR_BYTES);
        Memory iov = new Memory(16);
        Memory buf = new Memory(2048);
        Memory control = new Memory(512);
        boolean conn = args.length > 4 && args[4].startsWith("conn");
        boolean block = args.length > 4 && args[4].endsWith("block");
        Memory pollfd = new Memory(8);
        SocketCalls.setsockopt(fd, KernelStampedUdpSocket.SOL_SOCKET, KernelStampedUdpSocket.SO_TIMESTAMPNS, new int[]{1}, 4);
        if (conn) {
            SocketCalls.connect(fd, addr, addr.length);
        }

        for (int r = 0; r < rounds; r++) {
            Thread.sleep(pause);
            byte[] req = NtpPacket.request(r + 1);
            long first = now();
            long before = now();
            if (conn) {
                SocketCalls.sendto(fd, req, req.length, 0, null, 0);
            } else {
                SocketCalls.sendto(fd, req, req.length, 0, addr, addr.length);
            }
            long after = now();
            StringBuilder line = new StringBuilder(String.format("round %d clock-to-clock %d call %d", r, before - first, after - before));
            if (block) {
                pollfd.setInt(0, fd);
                pollfd.setShort(4, KernelStampedUdpSocket.POLLIN);
                pollfd.setShort(6, (short) 0);
                SocketCalls.poll(pollfd, 1, 100);
            }
            long end = System.nanoTime() + (block ? 0 : 5_000_000);
            while (System.nanoTime() < end) {
                prepare(msg, iov, buf, control);
                try {
                    SocketCalls.recvmsg(fd, msg, KernelStampedUdpSocket.MSG_ERRQUEUE | KernelStampedUdpSocket.MSG_DONTWAIT);
                } catch (com.sun.jna.LastErrorException e) {
                    Thread.onSpinWait();
                    continue;
                }
                long len = msg.getLong(40);
                long stamp = KernelStampedUdpSocket.stamp(control, len);
                int kind = KernelStampedUdpSocket.stampKind(control, len);
                line.append(kind == TransmitStampChoice.SCHED ? " SCHED " : kind == TransmitStampChoice.SND ? " SND " : " type" + kind + " ")
                        .append(stamp - before);
            }
            prepare(msg, iov, buf, control);
            try {
                long n = SocketCalls.recvmsg(fd, msg, KernelStampedUdpSocket.MSG_DONTWAIT);
                long t4 = KernelStampedUdpSocket.stamp(control, msg.getLong(40));
                NtpPacket reply = NtpPacket.decodeReply(buf.getByteArray(0, (int) n), r + 1);
                long t2 = timeslave.time.Epochs.posixNanosFromNtp64(reply.receive(), before);
                long t3 = timeslave.time.Epochs.posixNanosFromNtp64(reply.transmit(), before);
                line.append(" delay ").append((t4 - before) - (t3 - t2)).append(" offset ")
                        .append(((t2 - before) + (t3 - t4)) / 2);
            } catch (Exception e) {
                line.append(" no reply ").append(e);
            }
            System.out.println(line);
        }
        SocketCalls.close(fd);
    }
}
