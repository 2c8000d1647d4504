package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.cli.TimeslaveProcess;
import timeslave.ref.ExternalServer;
import timeslave.ref.ListLog;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.References;
import timeslave.ref.WallTime;
import timeslave.ref.sntp.NtpPacket;
import timeslave.time.Epochs;
import timeslave.time.Reference;
import timeslave.time.Sample;

/**
 * Our servers read by software we did not write, and by our own clients: the daemon runs under -m
 * slaved to chronyd shifted +2.5 s by libfaketime, serving with --serve-unsynchronised; what it
 * serves must read +2.5 s from the local clock. chronyd -Q reads our NTP, rdate our RFC 868 (UDP and
 * TCP), our TAICLOCK client our TAICLOCK, and plain file I/O our ClockBound segment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class ServeInteropTest {
    static final long SHIFT_NANOS = 2_500_000_000L;
    /** Room for a loaded machine's scheduling on top of the published bound, ns. */
    static final long MARGIN_NANOS = 5_000_000L;
    private static final Pattern LISTENING = Pattern.compile("(ntp|taiclock|time) server 127\\.0\\.0\\.1:(\\d+) listening");

    @TempDir
    static Path dir;
    private ExternalServer chronyd;
    private TimeslaveProcess daemon;
    private final Map<String, Integer> ports = new java.util.HashMap<>();

    @BeforeAll
    void start() throws Exception {
        int upstream = ExternalServer.freeUdpPort();
        chronyd = ExternalServer.chronyd(dir, upstream, "+2.5");
        daemon = TimeslaveProcess.start(List.of("-B", "-m", "-d", "-r", "5", "-H", "sntp:127.0.0.1:" + upstream,
                "--syslog", "none", "--serve-ntp", "127.0.0.1:0", "--serve-taiclock", "127.0.0.1:0", "--serve-time",
                "127.0.0.1:0", "--serve-unsynchronised", "--clockbound-shm", dir.resolve("shm0").toString()));
        for (int i = 0; i < 3; i++) {
            Matcher m = LISTENING.matcher(daemon.next(" listening", 30));
            assertTrue(m.find());
            ports.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        daemon.next("estimate offset", 60);
    }

    @AfterAll
    void stop() throws Exception {
        if (daemon != null) {
            daemon.signal("TERM");
            daemon.next("stopped by SIGTERM", 30);
            System.out.println("daemon:\n" + daemon.seen());
            daemon.close();
        }
        if (chronyd != null) {
            chronyd.close();
        }
    }

    /** Runs a third-party client, bounded in time; returns its output. */
    static String run(Path dir, List<String> command) throws Exception {
        Path out = dir.resolve("client.out");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().put("TZ", "UTC");
        Process p = pb.start();
        if (!p.waitFor(40, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish: " + Files.readString(out));
        }
        return Files.readString(out);
    }

    @Test
    void chronydReadsOurNtpServer() throws Exception {
        ExternalServer.assumeBinary(ExternalServer.CHRONYD);
        Path conf = dir.resolve("q.conf");
        Files.writeString(conf, "server 127.0.0.1 port " + ports.get("ntp") + " iburst\ncmdport 0\npidfile "
                + dir.resolve("q.pid") + "\n");
        String out = run(dir, List.of(ExternalServer.CHRONYD, "-Q", "-u", "root", "-f", conf.toString(), "-t", "30"));
        System.out.println("chronyd -Q: " + out);
        Matcher m = Pattern.compile("System clock wrong by (-?[0-9.]+) seconds").matcher(out);
        assertTrue(m.find(), out);
        long offset = Math.round(Double.parseDouble(m.group(1)) * 1e9);
        assertEquals(SHIFT_NANOS, offset, MARGIN_NANOS, out);
    }

    @Test
    void theNtpHeaderCarriesStratumReferenceLeapAndBound() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            s.setSoTimeout(5_000);
            long t1 = Epochs.ntp64FromPosixNanos(new WallTime(0).realtimeNanos());
            byte[] req = NtpPacket.request(t1);
            s.send(new DatagramPacket(req, req.length, new InetSocketAddress(InetAddress.getLoopbackAddress(), ports.get("ntp"))));
            byte[] buf = new byte[100];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            s.receive(p);
            NtpPacket r = NtpPacket.decodeReply(java.util.Arrays.copyOf(buf, p.getLength()), t1);
            assertEquals(2, r.stratum(), "chronyd's local stratum 1, plus one");
            assertEquals(0x7F000001, r.referenceId(), "the master's IPv4 address");
            assertEquals(0, r.leap(), "no leap second at the end of today");
            assertEquals(0, r.rootDelay());
            long dispersion = Epochs.ntpShortToNanos(r.rootDispersion());
            assertTrue(dispersion > 0 && dispersion < MARGIN_NANOS, "root dispersion " + dispersion + " ns");
            assertTrue(r.precision() < -10 && r.precision() > -30, "precision " + r.precision());
        }
    }

    @Test
    void rdateReadsOurRfc868ServerOverUdpAndTcp() throws Exception {
        ExternalServer.assumeBinary(ExternalServer.RDATE);
        for (boolean udp : new boolean[] {true, false}) {
            List<String> cmd = new ArrayList<>(List.of(ExternalServer.RDATE, "-p"));
            if (udp) {
                cmd.add("-u");
            }
            cmd.addAll(List.of("-o", Integer.toString(ports.get("time")), "127.0.0.1"));
            long before = System.currentTimeMillis();
            String out = run(dir, cmd).strip();
            long after = System.currentTimeMillis();
            System.out.println("rdate " + (udp ? "-u" : "") + ": " + out);
            ZonedDateTime t = ZonedDateTime.parse(out.replaceAll("\\s+", " "),
                    DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss zzz yyyy", Locale.ROOT));
            long served = t.withZoneSameInstant(ZoneOffset.UTC).toEpochSecond();
            assertTrue(served >= (before + 2_500) / 1000 - 1 && served <= (after + 2_500) / 1000,
                    "rdate says " + out + ", the local clock + 2.5 s was " + (before + 2_500) / 1000 + ".." + (after + 2_500) / 1000);
        }
    }

    @Test
    void ourTaiclockClientReadsOurTaiclockServer() throws Exception {
        ReferenceConfig cfg = new ReferenceConfig(4, 16, 500_000_000L, 1_000_000_000L, 37, false, "PST_WWV",
                java.util.OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
        try (Reference ref = References.network("tai:127.0.0.1:" + ports.get("taiclock"), cfg, new WallTime(0), new ListLog(0))) {
            Sample s = ref.measure();
            System.out.println("taiclock: " + timeslave.ref.OnceLine.format(s));
            assertEquals(SHIFT_NANOS, s.offsetNanos(), s.errorNanos() + MARGIN_NANOS, s.toString());
        }
    }

    @Test
    void theClockBoundSegmentHoldsTheOffsetUnderMeasureOnly() throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve("shm0"))).order(ByteOrder.nativeOrder());
        assertEquals("AMZNCB", new String(b.array(), 0, 6, StandardCharsets.US_ASCII));
        assertEquals(2, b.getInt(68), "FreeRunning: -m does not correct the clock, but the bound holds");
        long bound = b.getLong(48);
        assertTrue(bound >= SHIFT_NANOS - MARGIN_NANOS && bound <= SHIFT_NANOS + MARGIN_NANOS,
                "the raw clock is 2.5 s off and the bound says so: " + bound);
        long asOf = b.getLong(16) * 1_000_000_000L + b.getLong(24);
        assertTrue(Math.abs(System.nanoTime() - asOf) < 5_000_000_000L, "as_of is CLOCK_MONOTONIC and fresh");
    }
}
