package timeslave.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import timeslave.ref.taiclock.TaiclockPacket;
import timeslave.time.Tai64;

/**
 * The fuzz targets' seed corpus, derived from the recorded data in test-fixtures/ (and the shipped
 * etc/ files). Jazzer's regression mode (every {@code mvn verify}) runs what is committed under
 * {@code src/test/resources/timeslave/fuzz/<Class>Inputs/<method>/}: a copy of these seeds, plus any
 * finding kept there as a regression input (Jazzer reads only that source directory, so the copy is
 * committed rather than made at build time). {@link SeedCorpusTest} runs the seeds derived from the
 * fixtures as they are now, and scripts/fuzz writes them afresh ({@code main}) as an extra starting
 * corpus, so a re-recorded fixture counts at once; {@code mvn test -Dtest=SeedCorpusTest
 * -Dfuzz.writeSeeds=true} refreshes the committed copy.
 */
final class SeedCorpus {
    /** Where the inputs live, from the project directory. */
    static final Path RESOURCES = Path.of("src/test/resources/timeslave/fuzz");
    private static final Path FIXTURES = Path.of("test-fixtures");
    private static final HexFormat HEX = HexFormat.of();

    private SeedCorpus() {
    }

    /** Every seed: path below {@link #RESOURCES} → content. */
    static Map<Path, byte[]> seeds() {
        Map<Path, byte[]> m = new LinkedHashMap<>();
        byte[] chronyd = hex(net("chronyd-faketime-2.5s.txt").get("reply"));
        put(m, "NtpPacketFuzzTest", "decodeReply", "chronyd-faketime-2.5s", chronyd);

        for (String f : List.of("inetd-time-udp", "inetd-time-tcp")) {
            put(m, "TimeProtocolFuzzTest", "decode", f, hex(net(f + ".txt").get("reply")));
        }

        byte[] icmp = hex(net("kernel-icmp-timestamp.txt").get("reply"));
        put(m, "IcmpTimestampFuzzTest", "parse", "kernel-icmp-timestamp", icmp);
        put(m, "IcmpTimestampFuzzTest", "parse", "kernel-icmp-timestamp-ip-options", withIpOptions(icmp));

        // No TAICLOCK exchange is recorded: the chronyd fixture's server transmit time as taiclockd labels it.
        byte[] cookie = java.util.Arrays.copyOfRange(hex(net("chronyd-faketime-2.5s.txt").get("request")), 36, 48);
        byte[] request = TaiclockPacket.request(cookie);
        long t3 = Long.parseLong(net("chronyd-faketime-2.5s.txt").get("t1_ns")) + 2_500_000_000L;
        byte[] reply = TaiclockPacket.reply(request, Tai64.fromPosixNanos(t3 / 1000 * 1000 + 500, 10));
        for (String method : List.of("decodeReply", "decodeReplyToPosix", "serverReply")) {
            put(m, "TaiclockPacketFuzzTest", method, "taiclockd-reply", reply);
            put(m, "TaiclockPacketFuzzTest", method, "taiclock-request", request);
        }

        put(m, "ServerRequestFuzzTest", "ntpRequest", "chronyd-faketime-2.5s-request",
                hex(net("chronyd-faketime-2.5s.txt").get("request")));
        put(m, "ServerRequestFuzzTest", "taiclockRequest", "taiclock-request", request);

        for (Map.Entry<String, byte[]> e : serialReplies("pst-", "trc-").entrySet()) {
            put(m, "PstQaFuzzTest", "decode", e.getKey(), e.getValue());
        }
        Map<String, byte[]> tt600 = serialReplies("tt600-");
        for (String method : List.of("decodeTime", "decodeYear", "checkResync")) {
            for (Map.Entry<String, byte[]> e : tt600.entrySet()) {
                put(m, "Tt600CodecFuzzTest", method, e.getKey(), e.getValue());
            }
        }

        for (Path f : list(FIXTURES.resolve("timetrim"))) {
            put(m, "TimetrimFileFuzzTest", "load", f.getFileName().toString(), read(f));
        }

        byte[] leap = read(Path.of("etc/leap-seconds.list"));
        put(m, "LeapSecondsFuzzTest", "loadFile", "leap-seconds.list", leap);
        put(m, "LeapSecondsFuzzTest", "parseWithValidHash", "leap-seconds.list", leap);

        put(m, "OptionsFileFuzzTest", "parse", "timeslave.options", read(Path.of("etc/timeslave.options")));
        put(m, "OptionsFileFuzzTest", "parse", "every-option", String.join("\n",
                "# every option an options file may hold, each with a valid value",
                "-H sntp:127.0.0.1:123 -H tai:[::1]:4014 -H taitrue:localhost -H netmaster -C /dev/ttyS0 -c TT600",
                "-P timetrim -Y -m -dd -B -q -Q -w 0.5 -W 4 -t 3 -T 12 -r 64 --max-rate 90d -p time -D 500000 -i -120",
                "--syslog none --step-threshold 0.128 --leap-seconds leap-seconds.list --leap smear --panic 600",
                "").getBytes(StandardCharsets.US_ASCII));
        for (Path f : list(Path.of("src/main/resources/timeslave/scenarios"))) {
            if (f.getFileName().toString().endsWith(".scenario")) {
                put(m, "ScenarioFileFuzzTest", "parse", f.getFileName().toString(), read(f));
            }
        }
        return m;
    }

    /** Writes every seed below the directory {@code args[0]} (scripts/fuzz; run from the project directory). */
    public static void main(String[] args) throws IOException {
        write(Path.of(args[0]));
    }

    /** Writes every seed below {@code root}. */
    static void write(Path root) throws IOException {
        for (Map.Entry<Path, byte[]> e : seeds().entrySet()) {
            Path p = root.resolve(e.getKey());
            Files.createDirectories(p.getParent());
            Files.write(p, e.getValue());
        }
    }

    private static void put(Map<Path, byte[]> m, String cls, String method, String name, byte[] content) {
        m.put(Path.of(cls + "Inputs", method, name), content);
    }

    /** A test-fixtures/net file: "key value" lines, '#' comments. */
    private static Map<String, String> net(String name) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String line : new String(read(FIXTURES.resolve("net").resolve(name)), StandardCharsets.US_ASCII).split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                String[] f = line.split(" ", 2);
                kv.put(f[0], f[1].strip());
            }
        }
        return kv;
    }

    /**
     * What the host read after each of its writes, in every dialogue whose name starts with one of
     * {@code prefixes} (format: test-fixtures/README.md); identical replies kept once, named
     * {@code <dialogue>-<n>} after their first appearance.
     */
    private static Map<String, byte[]> serialReplies(String... prefixes) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        List<String> seen = new ArrayList<>();
        for (Path f : list(FIXTURES.resolve("serial"))) {
            String name = f.getFileName().toString();
            if (!name.endsWith(".dialogue") || Stream.of(prefixes).noneMatch(name::startsWith)) {
                continue;
            }
            String base = name.substring(0, name.length() - ".dialogue".length());
            List<byte[]> replies = new ArrayList<>();
            java.io.ByteArrayOutputStream cur = null;
            for (String raw : new String(read(f), StandardCharsets.US_ASCII).split("\n")) {
                String[] w = raw.strip().split(" ");
                if (w.length == 3 && w[0].equals(">")) {
                    cur = new java.io.ByteArrayOutputStream();
                    replies.add(null);
                } else if (w.length == 3 && w[0].equals("<") && cur != null) {
                    cur.writeBytes(hex(w[2]));
                    replies.set(replies.size() - 1, cur.toByteArray());
                }
            }
            int n = 0;
            for (byte[] r : replies) {
                if (r != null && !seen.contains(HEX.formatHex(r))) {
                    seen.add(HEX.formatHex(r));
                    out.put(base + "-" + ++n, r);
                }
            }
        }
        return out;
    }

    /** The same datagram behind a 24-byte IP header (four NOP options), as a router may send it. */
    private static byte[] withIpOptions(byte[] datagram) {
        byte[] b = new byte[datagram.length + 4];
        System.arraycopy(datagram, 0, b, 0, 20);
        b[0] = 0x46;
        b[20] = b[21] = b[22] = b[23] = 1;
        System.arraycopy(datagram, 20, b, 24, datagram.length - 20);
        return b;
    }

    private static List<Path> list(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] hex(String s) {
        return HEX.parseHex(s);
    }
}
