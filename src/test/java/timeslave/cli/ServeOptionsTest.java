package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import timeslave.serve.Serving;

/** The serving options (issue 11): values, defaults, repetition, the options file and every usage error. */
class ServeOptionsTest {
    @TempDir
    Path dir;

    private OptionsParser parser() {
        return new OptionsParser(dir.resolve("none.options"), n -> OptionalInt.of(37), dir);
    }

    private Options run(String... args) throws UsageException {
        return ((Invocation.Run) parser().parse(Arrays.asList(args))).options();
    }

    @Test
    void offUnlessAsked() throws UsageException {
        Serving.Config c = run("-H", "m").serve();
        assertFalse(c.any());
        assertFalse(run("-H", "m").describe().contains("serve"));
    }

    @Test
    void defaultPortsOnTheWildcardAddressAndRepeatedEndpoints() throws Exception {
        Options o = run("-H", "m", "--serve-ntp", "--serve-taiclock", "--serve-time", "-m");
        assertEquals(List.of(new InetSocketAddress(123)), o.serve().ntp());
        assertEquals(List.of(new InetSocketAddress(4014)), o.serve().taiclock());
        assertEquals(List.of(new InetSocketAddress(37)), o.serve().time());
        assertTrue(o.measureOnly(), "-m after a value-less --serve-time is still an option");
        Options two = run("-H", "m", "--serve-ntp", "127.0.0.1:1123", "--serve-ntp", "[::1]:1123", "--serve-ntp", "0");
        assertEquals(List.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 1123),
                new InetSocketAddress(InetAddress.getByName("::1"), 1123), new InetSocketAddress(0)), two.serve().ntp());
        assertTrue(two.describe().endsWith("--serve-ntp 127.0.0.1:1123 --serve-ntp [0:0:0:0:0:0:0:1]:1123"
                + " --serve-ntp 0.0.0.0:0 --serve-rate-limit 1/32"), two.describe());
    }

    @Test
    void rateLimitFlagsAndTheSegment() throws UsageException {
        Options o = run("-H", "m", "--serve-taiclock", "--serve-rate-limit", "2.5/10", "--serve-unsynchronised",
                "--serve-true-tai", "--clockbound-shm", "shm0");
        assertEquals(2.5, o.serve().ratePerSecond());
        assertEquals(10, o.serve().burst());
        assertTrue(o.serve().unsynchronised());
        assertTrue(o.serve().trueTai());
        assertEquals(dir.resolve("shm0").toAbsolutePath(), o.serve().clockboundShm().orElseThrow());
        assertEquals(0, run("-H", "m", "--serve-ntp", "--serve-rate-limit", "off").serve().ratePerSecond());
        assertEquals(32, run("-H", "m", "--serve-ntp", "--serve-rate-limit", "4").serve().burst());
    }

    @Test
    void theOptionsFileMayServe() throws Exception {
        Path f = dir.resolve("t.options");
        Files.writeString(f, "-H m\n--serve-ntp 127.0.0.1:1123 # the LAN\n--serve-unsynchronised\n");
        Options o = run("--options", f.toString());
        assertEquals(1123, o.serve().ntp().get(0).getPort());
        assertTrue(o.serve().unsynchronised());
        assertEquals(2000, run("--options", f.toString(), "--serve-ntp", "2000").serve().ntp().get(0).getPort(),
                "the command line's --serve-ntp replaces the file's");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "-H m --serve-ntp 65536|--serve-ntp 65536: must be [ADDR:]PORT, PORT 0-65535 (0: any free port), ADDR an address of this host",
        "-H m --serve-time 1.2.3.4:|--serve-time 1.2.3.4:: must be [ADDR:]PORT, PORT 0-65535 (0: any free port), ADDR an address of this host",
        "-H m --serve-taiclock ::1:4014|--serve-taiclock ::1:4014: must be [ADDR:]PORT, PORT 0-65535 (0: any free port), ADDR an address of this host",
        "-H m --serve-ntp 127.0.0.1:123 --serve-ntp 127.0.0.1:123|--serve-ntp 127.0.0.1:123 given twice",
        "-H m --serve-ntp --serve-rate-limit 0|--serve-rate-limit 0: rate limit must be off or requests a second (0.001-1000000), optionally /BURST (1-1000000)",
        "-H m --serve-ntp --serve-rate-limit 1/0|--serve-rate-limit 1/0: rate limit must be off or requests a second (0.001-1000000), optionally /BURST (1-1000000)",
        "-H m --serve-ntp --serve-rate-limit fast|--serve-rate-limit fast: rate limit must be off or requests a second (0.001-1000000), optionally /BURST (1-1000000)",
        "-H m --serve-true-tai|--serve-true-tai requires --serve-taiclock",
        "-H m --once --serve-ntp|--once cannot serve (--serve-ntp, --serve-taiclock, --serve-time, --clockbound-shm)",
        "-H m --once --clockbound-shm /run/x|--once cannot serve (--serve-ntp, --serve-taiclock, --serve-time, --clockbound-shm)",
        "-H m --clockbound-shm|--clockbound-shm needs a value (PATH)",
        "-H m --serve-ntp --serve-rate-limit 1 --serve-rate-limit 2|--serve-rate-limit given more than once",
    })
    void everyBadValueGetsOneSpecificDocumentedError(String args, String message) throws IOException {
        String got = assertThrows(UsageException.class, () -> parser().parse(Arrays.asList(args.split(" ")))).getMessage();
        assertEquals(message, got);
        assertTrue(OptionsParserTest.documentedUsageErrors().stream().anyMatch(p -> p.matcher(message).matches()),
                "not in DIAGNOSTICS of man/timeslave.1m: timeslave: " + message);
    }

    @Test
    void helpListsEveryServingOption() {
        String help = OptionsParser.help();
        for (String o : List.of("--serve-ntp [ADDR:]PORT", "--serve-taiclock [ADDR:]PORT", "--serve-time [ADDR:]PORT",
                "--serve-unsynchronised", "--serve-true-tai", "--serve-rate-limit RATE[/BURST]", "--clockbound-shm PATH")) {
            assertTrue(help.contains(o), o + " in --help:\n" + help);
        }
    }
}
