package timeslave.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import timeslave.cli.Main;
import timeslave.cli.TimeslaveProcess;
import timeslave.ref.ExternalServer;

/**
 * The IRIX manual's hierarchy, for real, in three network namespaces this test creates (veth links
 * in 198.19.11.0/24 and 198.19.12.0/24) on this machine's one kernel, every daemon under -m:
 * <pre>
 *   K: chronyd +2.5 s (libfaketime) ── sntp ──▶ king  ── TAICLOCK ──▶ S: substitute ── NTP ──▶ C: client, and ntpdig
 *   K: chronyd (true)               ── sntp ──▶ king0 ── RFC 868 + ICMP ──▶ S: member
 * </pre>
 * Under -m a daemon serves the kernel clock corrected by its estimate, but ICMP timestamps are the
 * kernel's own, so the RFC 868 + ICMP member follows a king whose own master is not shifted. Each
 * tier's measured offset to its source must lie within the sum of both tiers' published bounds
 * (each daemon's ClockBound segment), and every segment of the shifted chain must hold the +2.5 s.
 */
class HierarchyNetnsTest {
    static final long SHIFT_NANOS = 2_500_000_000L;
    /** The filter's estimate and the centre of the published bound are computed apart; this covers the gap, ns. */
    static final long ESTIMATE_SLACK_NANOS = 100_000;
    private static final Pattern ESTIMATE = Pattern.compile("estimate offset ([+-]\\d+\\.\\d{9}) s sd");
    private static final long DEADLINE_SECONDS = 100;

    @TempDir
    Path dir;
    private final String tag = "ts11" + Long.toString(ProcessHandle.current().pid() % 100_000, 36);
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    private static String sh(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", cmd) + ": " + out.strip());
        }
        return out;
    }

    private void ns(String name, String... cmd) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", name));
        c.addAll(List.of(cmd));
        sh(c);
    }

    private Process start(String netns, String name, List<String> cmd, Map<String, String> env) throws IOException {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        c.addAll(cmd);
        ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(dir.resolve(name + ".out").toFile());
        pb.environment().putAll(env);
        pb.environment().put("TIMESLAVE_FORBID_CLOCK_WRITES", "1");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private Process daemon(String netns, String name, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("-B", "-m", "-d", "-r", "5", "--syslog", "none", "--options", "/dev/null",
                "--clockbound-shm", dir.resolve(name + ".shm").toString()));
        all.addAll(List.of(args));
        return start(netns, name, TimeslaveProcess.java(Main.class.getName(), all).command(), Map.of());
    }

    private Process chronyd(String netns, String name, int port, String faketime) throws IOException {
        Files.writeString(dir.resolve(name + ".conf"), String.join("\n", "port " + port, "bindaddress 127.0.0.1",
                "local stratum 1", "allow 127.0.0.1", "cmdport 0", "pidfile " + dir.resolve(name + ".pid"),
                "driftfile " + dir.resolve(name + ".drift"), ""));
        Map<String, String> env = faketime == null ? Map.of() : Map.of("LD_PRELOAD", ExternalServer.LIBFAKETIME,
                "FAKETIME", faketime, "FAKETIME_DONT_FAKE_MONOTONIC", "1");
        return start(netns, name, List.of(ExternalServer.CHRONYD, "-x", "-d", "-u", "root", "-f",
                dir.resolve(name + ".conf").toString()), env);
    }

    private String out(String name) throws IOException {
        return Files.readString(dir.resolve(name + ".out"));
    }

    /** The newest filter estimate in a daemon's log, ns. */
    private long estimate(String name) throws IOException {
        Matcher m = ESTIMATE.matcher(out(name));
        long last = Long.MIN_VALUE;
        while (m.find()) {
            last = Math.round(Double.parseDouble(m.group(1)) * 1e9);
        }
        return last;
    }

    private int estimates(String name) throws IOException {
        return (int) ESTIMATE.matcher(out(name)).results().count();
    }

    /** bound_ns of a daemon's ClockBound segment, read byte for byte. */
    private long segmentBound(String name) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name + ".shm"))).order(ByteOrder.nativeOrder());
        return b.getLong(48);
    }

    @Test
    @Timeout(180)
    void kingSubstituteClientAndAnRfc868MemberEachWithinTheSumOfBounds() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "network namespaces need root");
        ExternalServer.assumeBinary(ExternalServer.CHRONYD);
        ExternalServer.assumeBinary("/usr/sbin/ip");
        Assumptions.assumeTrue(Files.exists(Path.of(ExternalServer.LIBFAKETIME)), "libfaketime missing; skipping");
        String k = tag + "k";
        String s = tag + "s";
        String c = tag + "c";
        try {
            for (String n : List.of(k, s, c)) {
                try {
                    sh(List.of("ip", "netns", "add", n));
                } catch (IOException e) {
                    Assumptions.abort("cannot create a network namespace here: " + e.getMessage());
                }
                namespaces.add(n);
                ns(n, "ip", "link", "set", "lo", "up");
            }
            sh(List.of("ip", "link", "add", tag + "a", "netns", k, "type", "veth", "peer", "name", tag + "b", "netns", s));
            sh(List.of("ip", "link", "add", tag + "c", "netns", s, "type", "veth", "peer", "name", tag + "d", "netns", c));
            ns(k, "ip", "addr", "add", "198.19.11.1/24", "dev", tag + "a");
            ns(s, "ip", "addr", "add", "198.19.11.2/24", "dev", tag + "b");
            ns(s, "ip", "addr", "add", "198.19.12.1/24", "dev", tag + "c");
            ns(c, "ip", "addr", "add", "198.19.12.2/24", "dev", tag + "d");
            ns(k, "ip", "link", "set", tag + "a", "up");
            ns(s, "ip", "link", "set", tag + "b", "up");
            ns(s, "ip", "link", "set", tag + "c", "up");
            ns(c, "ip", "link", "set", tag + "d", "up");

            chronyd(k, "chronyd-shifted", 11123, "+2.5");
            chronyd(k, "chronyd", 11124, null);
            daemon(k, "king", "-H", "sntp:127.0.0.1:11123", "--serve-taiclock", "198.19.11.1:4014",
                    "--serve-unsynchronised");
            daemon(k, "king0", "-H", "sntp:127.0.0.1:11124", "--serve-time", "198.19.11.1:37", "--serve-unsynchronised");
            daemon(s, "substitute", "-H", "tai:198.19.11.1:4014", "--serve-ntp", "198.19.12.1:123", "--serve-unsynchronised");
            daemon(s, "member", "-H", "198.19.11.1", "-p", "37");
            daemon(c, "client", "-H", "sntp:198.19.12.1");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
            List<String> tiers = List.of("king", "king0", "substitute", "member", "client");
            while (System.nanoTime() < deadline) {
                boolean all = true;
                for (String t : tiers) {
                    all &= estimates(t) >= 3;
                }
                if (all) {
                    break;
                }
                for (Process p : processes) {
                    assertTrue(p.isAlive(), "a process of the hierarchy exited; logs in " + dir + ":\n" + logs());
                }
                Thread.sleep(500);
            }
            for (String t : tiers) {
                assertTrue(estimates(t) >= 3, t + " has too few estimates:\n" + logs());
            }
            String ntpdig = null;
            if (Files.isExecutable(Path.of(ExternalServer.NTPDIG))) {
                Path o = dir.resolve("ntpdig.json");
                Process p = new ProcessBuilder("ip", "netns", "exec", c, ExternalServer.NTPDIG, "-j", "198.19.12.1")
                        .redirectErrorStream(true).redirectOutput(o.toFile()).start();
                assertTrue(p.waitFor(30, TimeUnit.SECONDS), "ntpdig did not finish");
                ntpdig = Files.readString(o).strip();
            }

            long eKing = estimate("king");
            long eKing0 = estimate("king0");
            long eSub = estimate("substitute");
            long eMember = estimate("member");
            long eClient = estimate("client");
            long bKing = segmentBound("king");
            long bKing0 = segmentBound("king0");
            long bSub = segmentBound("substitute");
            long bMember = segmentBound("member");
            long bClient = segmentBound("client");
            StringBuilder table = new StringBuilder("tier        estimate ns   segment bound ns  half-width ns\n");
            String[] names = {"king", "king0", "substitute", "member", "client"};
            long[] e = {eKing, eKing0, eSub, eMember, eClient};
            long[] b = {bKing, bKing0, bSub, bMember, bClient};
            for (int i = 0; i < names.length; i++) {
                table.append(String.format("%-10s %13d %18d %14d%n", names[i], e[i], b[i], halfWidth(e[i], b[i])));
            }
            table.append("ntpdig from the client's namespace to the substitute: ").append(ntpdig).append('\n');
            System.out.println(table);

            // The shifted chain: every published interval holds the true +2.5 s.
            for (int i : new int[] {0, 2, 4}) {
                assertTrue(b[i] >= SHIFT_NANOS, names[i] + "'s segment bound " + b[i] + " must hold the true +2.5 s\n" + table);
            }
            within("king to chronyd +2.5 s", eKing, SHIFT_NANOS, halfWidth(eKing, bKing), 0, table);
            within("substitute to king (TAICLOCK)", eSub, eKing, halfWidth(eSub, bSub), halfWidth(eKing, bKing), table);
            within("client to substitute (NTP)", eClient, eSub, halfWidth(eClient, bClient), halfWidth(eSub, bSub), table);
            within("king0 to chronyd", eKing0, 0, halfWidth(eKing0, bKing0), 0, table);
            within("member to king0 (RFC 868 + ICMP)", eMember, eKing0, halfWidth(eMember, bMember),
                    halfWidth(eKing0, bKing0), table);
            if (ntpdig != null) {
                assertTrue(ntpdig.contains("\"stratum\":2"), "a TAICLOCK master counts as stratum 1: " + ntpdig);
                assertTrue(ntpdig.contains("\"leap\":\"no-leap\""), ntpdig);
                Matcher m = Pattern.compile("\"offset\":(-?[0-9.]+)").matcher(ntpdig);
                assertTrue(m.find(), ntpdig);
                long offset = Math.round(Double.parseDouble(m.group(1)) * 1e9);
                Matcher err = Pattern.compile("\"precision\":([0-9.]+)").matcher(ntpdig);
                assertTrue(err.find(), ntpdig);
                // ntpdig's one exchange is good to its own error estimate (the path's delay bound) plus ours.
                long tolerance = halfWidth(eSub, bSub) + Math.round(Double.parseDouble(err.group(1)) * 1e9) + 1_000;
                assertEquals(eSub, offset, tolerance, "ntpdig reads the substitute\n" + table);
            }
        } finally {
            for (Process p : processes) {
                p.destroy();
            }
            for (Process p : processes) {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
            for (String n : namespaces) {
                try {
                    sh(List.of("ip", "netns", "del", n));
                } catch (IOException e) {
                    System.err.println("cannot remove network namespace " + n + ": " + e.getMessage());
                }
            }
        }
    }

    /** A tier's half-width from its segment: bound = |centre| + half-width (centre ≈ the estimate). */
    private static long halfWidth(long estimate, long bound) {
        return Math.max(0, bound - Math.abs(estimate));
    }

    private static void within(String what, long measured, long source, long hwTier, long hwSource, StringBuilder table) {
        long sum = hwTier + hwSource + ESTIMATE_SLACK_NANOS;
        assertTrue(Math.abs(measured - source) <= sum, what + ": " + measured + " ns against " + source + " ns, bounds "
                + hwTier + " + " + hwSource + " ns\n" + table);
    }

    private String logs() throws IOException {
        StringBuilder b = new StringBuilder();
        try (var files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.toString().endsWith(".out")).sorted().toList()) {
                String t = Files.readString(p);
                b.append("== ").append(p.getFileName()).append('\n').append(t.length() > 3000 ? t.substring(t.length() - 3000) : t);
            }
        }
        return b.toString();
    }
}
