package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.core.Ensemble;
import timeslave.serve.ServedClock;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.time.Sample;

/**
 * With several masters the NTP server names the one the daemon follows now (RFC 5905's system peer),
 * not the first one given: its reference ID follows the truechimer with the smallest error bound.
 */
class ServeWiringUpstreamTest {
    @TempDir
    Path dir;

    /** Answers offset 0 with the error bound set in {@link #errorNanos}, or fails while {@link #silent}. */
    static final class Master implements Reference {
        final String name;
        long errorNanos = 100_000;
        boolean silent;
        long mono;

        Master(String name) {
            this.name = name;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Sample measure() throws MeasurementException {
            if (silent) {
                throw new MeasurementException(MeasurementException.Kind.UNREACHABLE, "no reply");
            }
            mono += 1_000_000;
            return new Sample(name, mono, 1_796_000_000_000_000_000L + mono, 0, 2 * errorNanos, errorNanos);
        }

        @Override
        public void close() {
        }
    }

    private Options options(String... args) throws UsageException {
        OptionsParser p = new OptionsParser(dir.resolve("none.options"), n -> OptionalInt.of(37), dir);
        return ((Invocation.Run) p.parse(Arrays.asList(args))).options();
    }

    @Test
    void theReferenceIdFollowsTheTruechimerWithTheSmallestBound() throws Exception {
        Options o = options("-m", "-H", "127.0.0.1", "-H", "127.0.0.2", "-H", "127.0.0.3");
        Master a = new Master("127.0.0.1");
        Master b = new Master("127.0.0.2");
        Master c = new Master("127.0.0.3");
        Ensemble e = new Ensemble(List.of(a, b, c), new timeslave.log.Log() {
            @Override
            public void log(timeslave.log.Priority priority, String message) {
            }

            @Override
            public int debugLevel() {
                return 0;
            }
        });
        Supplier<ServedClock.Upstream> up = ServeWiring.upstream(o, e);

        assertEquals(0x7F000001, up.get().referenceId(), "before any round: the first master given");
        b.errorNanos = 20_000;
        e.measure();
        assertEquals(0x7F000002, up.get().referenceId(), "the tightest truechimer");
        a.errorNanos = 5_000;
        e.measure();
        assertEquals(0x7F000001, up.get().referenceId());
        a.silent = true;
        e.measure();
        assertEquals(0x7F000002, up.get().referenceId(), "a silent master is not followed");
        assertEquals(1, up.get().stratum().getAsInt(), "an RFC 868/ICMP master counts as stratum 1");
    }

    @Test
    void aRoundWithoutATruechimerKeepsThePreviousChoice() {
        Sample s = new Sample("x", 1, 1, 0, 2, 1);
        List<Ensemble.Member> none = List.of(new Ensemble.Member("a", null, "no reply", false),
                new Ensemble.Member("b", s, "", false));
        assertEquals(1, ServeWiring.systemPeer(none, 1));
        List<Ensemble.Member> one = List.of(new Ensemble.Member("a", s, "", true), new Ensemble.Member("b", null, "x", false));
        assertEquals(0, ServeWiring.systemPeer(one, 1));
    }

    @Test
    void oneMasterIsAlwaysItself() throws Exception {
        Options o = options("-m", "-H", "127.0.0.9");
        Supplier<ServedClock.Upstream> up = ServeWiring.upstream(o, new Master("127.0.0.9"));
        assertEquals(0x7F000009, up.get().referenceId());
    }
}
