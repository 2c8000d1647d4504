package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.ref.ExternalServer;

/**
 * The daemon as a process (-B -m against chronyd -x on loopback) watched the ways a sysadmin would:
 * timeslave-ctl on the control socket, SIGHUP, and Debian's real Prometheus scraping --metrics.
 */
class OperationsProcessTest {
    @TempDir
    Path dir;

    static String ctl(Path socket, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new java.util.ArrayList<>(List.of("--control", socket.toString()));
        all.addAll(List.of(args));
        int s = timeslave.control.CtlAccess.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return s + "\n" + out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Timeout(120)
    void ctlReadsTheRunningDaemonAndSighupRereadsTheOptionsFile() throws Exception {
        Path cd = Files.createDirectory(dir.resolve("chronyd"));
        int port = ExternalServer.freeUdpPort();
        try (ExternalServer chronyd = ExternalServer.chronyd(cd, port, null)) {
            Path options = dir.resolve("timeslave.options");
            Files.writeString(options, "-H sntp:127.0.0.1:" + port + " -m -r 5\n");
            Path socket = dir.resolve("run/timeslave.sock");
            try (TimeslaveProcess ts = TimeslaveProcess.startExactly(List.of("-B", "-u", "root", "--options", options.toString(),
                    "--control", socket.toString(), "--syslog", "none"))) {
                String started = ts.next("started", 30);
                assertTrue(started.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ timeslave: timeslave .* started: .*"),
                        "-B lines on stderr carry the UTC time: " + started);
                String wait = ctl(socket, "waitsync", "60", "0.01");
                assertTrue(wait.startsWith("0\n"), wait + ts.seen());
                String tracking = ctl(socket, "tracking");
                System.out.println("timeslave-ctl tracking:\n" + tracking);
                assertTrue(tracking.startsWith("0\nReference            : sntp:127.0.0.1:" + port + "\n"), tracking);
                assertTrue(tracking.contains("Synchronised         : yes"), tracking);
                assertTrue(tracking.contains("Mode                 : measure only (-m)"), tracking);
                // issue 12: what --serve-ntp would send; under -m (without --serve-unsynchronised) that is
                // "unsynchronised": stratum 16, reference ID 0
                assertTrue(tracking.contains("Stratum              : 16 (unsynchronised)\n"), tracking);
                assertTrue(tracking.contains("Reference ID         : 00000000\n"), tracking);
                assertTrue(tracking.contains("Root delay           : 0.000000000 seconds\n"), tracking);
                assertTrue(tracking.matches("(?s).*Root dispersion      : 0\\.\\d{9} seconds\n.*"), tracking);
                assertTrue(tracking.contains("Serving NTP          : no"), tracking);
                String json = ctl(socket, "--json", "tracking");
                assertTrue(json.matches("(?s)0\n\\{.*\"stratum\":16,\"reference_id\":\"00000000\",\"root_delay_seconds\":0,"
                        + "\"root_dispersion_seconds\":[0-9.]+,\"serving_ntp\":false\\}\n"), json);
                String sources = ctl(socket, "-c", "sources");
                assertTrue(sources.startsWith("0\nsntp:127.0.0.1:" + port + ",selected,"), sources);

                Files.writeString(options, "-H sntp:127.0.0.1:" + port + " -m -r 5 -d\n");
                ts.signal("HUP");
                ts.next("reload: " + options + " read", 20);
                assertTrue(ctl(socket, "tracking").startsWith("0\n"), "still running after SIGHUP");

                Files.writeString(options, "-H sntp:127.0.0.1:" + port + " -m -r 5 -Z\n");
                ts.signal("HUP");
                ts.next("reload: " + options + ": unknown option -Z; nothing changed", 20);
                String bad = ctl(socket, "reload");
                assertTrue(bad.startsWith("1\n") && bad.contains(options + ": unknown option -Z; nothing changed"), bad);

                Files.writeString(options, "-H sntp:127.0.0.1:" + port + " -m -r 7\n");
                String good = ctl(socket, "reload");
                assertEquals("0\nreload: " + options + " read; -r 7 takes effect at the next start\n", good);
                assertTrue(ctl(socket, "tracking").startsWith("0\n"), "still running after a bad file");
                ts.signal("TERM");
                assertEquals(0, ts.waitFor(30));
            }
            assertTrue(!Files.exists(socket), "the socket is removed when the daemon stops");
        }
    }

    /**
     * Issue 12: tracking's stratum and reference ID are those our NTP server puts in its replies
     * (--serve-unsynchronised, so -m serves them), and root delay and dispersion are shown with them.
     */
    @Test
    @Timeout(120)
    void trackingShowsTheHeaderTheNtpServerSends() throws Exception {
        Path cd = Files.createDirectory(dir.resolve("chronyd"));
        int port = ExternalServer.freeUdpPort();
        int ntp = ExternalServer.freeUdpPort();
        try (ExternalServer chronyd = ExternalServer.chronyd(cd, port, null)) {
            Path socket = dir.resolve("run/timeslave.sock");
            try (TimeslaveProcess ts = TimeslaveProcess.start(List.of("-B", "-m", "-r", "5", "-H", "sntp:127.0.0.1:" + port,
                    "--serve-ntp", "127.0.0.1:" + ntp, "--serve-unsynchronised", "--control", socket.toString(),
                    "--syslog", "none"))) {
                ts.next("started", 30);
                String wait = ctl(socket, "waitsync", "60", "0.01");
                assertTrue(wait.startsWith("0\n"), wait + ts.seen());
                timeslave.ref.sntp.NtpPacket reply;
                try (java.net.DatagramSocket c = new java.net.DatagramSocket()) {
                    c.setSoTimeout(5_000);
                    byte[] req = timeslave.ref.sntp.NtpPacket.request(42);
                    c.send(new java.net.DatagramPacket(req, req.length, java.net.InetAddress.getLoopbackAddress(), ntp));
                    java.net.DatagramPacket p = new java.net.DatagramPacket(new byte[1024], 1024);
                    c.receive(p);
                    reply = timeslave.ref.sntp.NtpPacket.decodeReply(java.util.Arrays.copyOf(p.getData(), p.getLength()), 42);
                }
                String tracking = ctl(socket, "tracking");
                System.out.println("timeslave-ctl tracking while serving:\n" + tracking);
                assertTrue(reply.stratum() >= 2 && reply.stratum() < 16, "served stratum " + reply.stratum());
                assertTrue(tracking.contains("Stratum              : " + reply.stratum() + "\n"), reply + "\n" + tracking);
                assertEquals(0x7F000001, reply.referenceId());
                assertTrue(tracking.contains("Reference ID         : 7F000001 (127.0.0.1)\n"), tracking);
                assertTrue(tracking.contains("Root delay           : 0.000000000 seconds\n"), tracking);
                assertTrue(tracking.matches("(?s).*Root dispersion      : 0\\.\\d{9} seconds\n.*"), tracking);
                assertTrue(tracking.contains("Serving NTP          : yes\n"), tracking);
                String csv = ctl(socket, "-c", "tracking").strip();
                assertTrue(csv.matches("(?s)0\n.*," + reply.stratum() + ",7F000001,0,[0-9.]+,true"), csv);
            }
        }
    }

    @Test
    @Timeout(180)
    void prometheusScrapesTheMetricsEndpoint() throws Exception {
        ExternalServer.assumeBinary(ExternalServer.PROMETHEUS);
        Path cd = Files.createDirectory(dir.resolve("chronyd"));
        int port = ExternalServer.freeUdpPort();
        int metrics = ExternalServer.freeTcpPort();
        try (ExternalServer chronyd = ExternalServer.chronyd(cd, port, null);
             TimeslaveProcess ts = TimeslaveProcess.start(List.of("-B", "-m", "-r", "5", "-H", "sntp:127.0.0.1:" + port,
                     "--metrics", "127.0.0.1:" + metrics, "--syslog", "none"))) {
            ts.next("metrics at http://127.0.0.1:" + metrics + "/metrics", 30);
            ts.next("offset", 30);
            Path pd = Files.createDirectory(dir.resolve("prometheus"));
            int web = ExternalServer.freeTcpPort();
            try (ExternalServer prom = ExternalServer.prometheus(pd, web, "127.0.0.1:" + metrics)) {
                HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                String q = "timeslave_source_reachability_ratio";
                String body = "";
                for (int i = 0; i < 90; i++) {
                    HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web
                            + "/api/v1/query?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8))).build(),
                            HttpResponse.BodyHandlers.ofString());
                    body = r.body();
                    if (body.contains("\"result\":[{")) {
                        break;
                    }
                    Thread.sleep(1_000);
                }
                System.out.println("Prometheus query " + q + ": " + body);
                assertTrue(body.startsWith("{\"status\":\"success\""), body + prom.output());
                assertTrue(body.contains("\"__name__\":\"timeslave_source_reachability_ratio\""), body);
                assertTrue(body.contains("\"source\":\"sntp:127.0.0.1:" + port + "\""), body);
                assertTrue(body.contains("\"job\":\"timeslave\""), body);
                assertTrue(body.matches("(?s).*\"value\":\\[[0-9.]+,\"(0\\.[0-9]+|1)\"\\].*"), body);
            }
        }
    }

    /** -m with a -P that cannot be a timetrim file says so (it used to say nothing). */
    @Test
    @Timeout(60)
    void measureOnlyReadsTheTimetrimFileAndSaysWhatItHolds() throws Exception {
        Path trim = dir.resolve("timetrim");
        Files.writeString(trim, "-12345\n");
        try (TimeslaveProcess ts = TimeslaveProcess.start(List.of("-B", "-m", "-H", "sntp:127.0.0.1:9", "-P", trim.toString(),
                "--syslog", "none"))) {
            ts.next("-m: " + trim + ": timetrim -12345 ns/s would be restored; it is never written under -m", 30);
        }
        assertEquals("-12345\n", Files.readString(trim), "not written");
        try (TimeslaveProcess ts = TimeslaveProcess.start(List.of("-B", "-m", "-H", "sntp:127.0.0.1:9", "-P", dir.toString(),
                "--syslog", "none"))) {
            ts.next(dir + ": cannot read: ", 30);
            ts.next("-m: " + dir + " gives no timetrim; it is never written under -m", 30);
        }
    }
}
