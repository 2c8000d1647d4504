package timeslave.ref.sntp;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import timeslave.os.SystemTime;
import timeslave.time.Epochs;

/**
 * Experiment (run inside a User-Mode Linux guest by timeslave.uml.SendGapRun, never by the suite): the
 * daemon's own UdpPort, one request per pause, printing each exchange's delay and offset as the SNTP
 * reference computes them. Arguments: {@code HOST PORT ROUNDS PAUSE_MS}.
 */
public final class UdpPortExperiment {
    private UdpPortExperiment() {
    }

    public static void main(String[] args) throws Exception {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        int rounds = Integer.parseInt(args[2]);
        long pause = Long.parseLong(args[3]);
        SystemTime time = new SystemTime();
        try (UdpPort port = new UdpPort(to, time)) {
            for (int r = 0; r < rounds; r++) {
                Thread.sleep(pause);
                port.drain();
                long t1 = port.send(NtpPacket.request(r + 1));
                UdpPort.Datagram d = port.receive(time.monotonicNanos() + 100_000_000L);
                if (d == null) {
                    System.out.println("round " + r + " no reply");
                    continue;
                }
                NtpPacket p = NtpPacket.decodeReply(d.data(), r + 1);
                long t2 = Epochs.posixNanosFromNtp64(p.receive(), t1);
                long t3 = Epochs.posixNanosFromNtp64(p.transmit(), t1);
                long t4 = d.realtimeNanos();
                System.out.println("round " + r + " port kernel-stamped " + port.kernelStamps() + " delay "
                        + ((t4 - t1) - (t3 - t2)) + " offset " + ((t2 - t1) + (t3 - t4)) / 2);
            }
        }
    }
}
