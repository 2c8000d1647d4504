package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import timeslave.time.Sample;
import timeslave.log.Priority;
import timeslave.time.MeasurementException;
import timeslave.ref.ListLog;

/**
 * Replays every recorded dialogue in test-fixtures/serial through its reference on a virtual
 * clock and checks the expectations written in its header (offset, receiver time, error, log lines).
 */
class SerialFixtureTest {

    static final Path DIR = Path.of("test-fixtures", "serial");
    static final String TTY = "/dev/ttyd2";

    static Stream<Path> fixtures() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            List<Path> l = s.filter(p -> p.toString().endsWith(".dialogue")).sorted().toList();
            assertTrue(l.size() >= 10, "fixtures missing in " + DIR.toAbsolutePath());
            return l.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void replay(Path file) throws Exception {
        Dialogue d = Dialogue.read(file);
        ScriptedLine.FakeTime time = new ScriptedLine.FakeTime(Long.parseLong(d.one("local-start-ns")));
        ScriptedLine line = new ScriptedLine(d, time);
        ListLog log = new ListLog(0);
        SerialReference ref = reference(d, path -> line, time, log);
        Sample s = null;
        MeasurementException e = null;
        try {
            s = ref.measure();
        } catch (MeasurementException x) {
            e = x;
        }
        check(d, s, e, log, TTY);
    }

    static SerialReference reference(Dialogue d, SerialLine.Opener opener, timeslave.time.TimeSource time, ListLog log) {
        ReceiverType type = ReceiverType.parse(d.one("type")).orElseThrow();
        String forced = d.one("forced-year");
        YearRule.Context years = new YearRule.Context(forced == null ? OptionalInt.empty()
                : OptionalInt.of(Integer.parseInt(forced)));
        return type.isWwv() ? new PstWwvReference(TTY, opener, years, time, log)
                : new Tt600Reference(TTY, opener, years, time, log);
    }

    /** Checks a measurement's outcome against the fixture's expect-* header lines. */
    static void check(Dialogue d, Sample s, MeasurementException e, ListLog log, String tty) {
        String err = d.one("expect-error");
        if (err != null) {
            if (e == null) {
                fail(d.name() + ": expected " + err + ", got " + s);
            }
            String kind = err.substring(0, err.indexOf(' '));
            String prefix = err.substring(err.indexOf(' ') + 1).replace("TTY", tty);
            assertEquals(MeasurementException.Kind.valueOf(kind), e.kind, d.name() + ": " + e.getMessage());
            assertTrue(e.getMessage().startsWith(prefix), d.name() + ": \"" + e.getMessage() + "\" does not start with \""
                    + prefix + "\"");
            assertEquals(List.of("ERR " + e.getMessage()), log.above(Priority.ERR), d.name());
        } else {
            if (e != null) {
                fail(d.name() + ": expected a sample, got " + e.getMessage(), e);
            }
            assertEquals(0, s.delayNanos());
            String off = d.one("expect-offset-ms");
            if (off != null) {
                String[] f = off.split(" ");
                long want = Math.round(Double.parseDouble(f[0]) * 1e6);
                long tol = Math.round(Double.parseDouble(f[1]) * 1e6);
                assertTrue(Math.abs(s.offsetNanos() - want) <= tol, d.name() + ": offset " + s.offsetNanos() + " ns");
                assertTrue(s.errorNanos() >= Math.abs(s.offsetNanos() - want) - 1_000_000L,
                        d.name() + ": bound " + s.errorNanos());
            }
            String utc = d.one("expect-receiver-utc");
            if (utc != null) {
                String[] f = utc.split(" ");
                Instant i = Instant.parse(f[0]);
                long want = i.getEpochSecond() * 1_000_000_000L + i.getNano();
                long tol = Math.round(Double.parseDouble(f[1]) * 1e6);
                long got = s.localNanos() + s.offsetNanos();
                assertTrue(Math.abs(got - want) <= tol, d.name() + ": receiver time " + Instant.ofEpochSecond(0, got)
                        + ", expected " + utc);
            }
        }
        for (String l : d.all("expect-log")) {
            String want = l.replace("TTY", tty);
            assertTrue(log.lines.contains(want), d.name() + ": no log line \"" + want + "\" in " + log.lines);
        }
        if (d.all("expect-log").isEmpty()) {
            List<String> loud = log.above(Priority.WARNING);
            if (err == null) {
                assertEquals(List.of(), loud, d.name());
            }
        }
    }
}
