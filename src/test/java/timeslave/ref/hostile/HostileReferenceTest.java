package timeslave.ref.hostile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import timeslave.ref.FakeUdpServer;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.hostile.FakeReceiverLine.Fault;
import timeslave.ref.hostile.HostileRun.Case;
import timeslave.ref.rfc868.FakeIcmpChannel;
import timeslave.ref.rfc868.IcmpTimestamp;
import timeslave.ref.rfc868.Rfc868IcmpReference;
import timeslave.ref.rfc868.TimeProtocol;
import timeslave.ref.serial.PstWwvReference;
import timeslave.ref.serial.Tt600Reference;
import timeslave.ref.serial.YearRule;
import timeslave.ref.sntp.NtpPacket;
import timeslave.ref.sntp.SntpReference;
import timeslave.ref.taiclock.TaiScale;
import timeslave.ref.taiclock.TaiclockPacket;
import timeslave.ref.taiclock.TaiclockReference;
import timeslave.time.Epochs;
import timeslave.time.Reference;
import timeslave.time.Tai64;

/**
 * The hostile-reference suite (issue 9): for SNTP, TAICLOCK, RFC 868 (UDP and TCP), ICMP and both serial
 * receivers, a peer of our own answers with one kind of bad input per case, then heals. Every case runs
 * the daemon's main loop ({@link timeslave.core.Slave}) over a virtual clock and asserts, through
 * {@link HostileRun#check}:
 * <ul>
 * <li>alive: every measure() returns or throws MeasurementException within its own timeouts;
 * <li>nothing accepted that should not be: no sample while the peer is hostile (or, for cases where a good
 *     reply still comes among bad ones, only samples whose bound holds the truth);
 * <li>the case's documented log line exactly once;
 * <li>the clock never stepped or slewed by more than the honest samples' own error;
 * <li>recovery once the peer heals (except after a KoD DENY, which is final by RFC 5905 §7.4).
 * </ul>
 * Network peers answer on loopback sockets in real time; the main loop's waits are skipped virtually.
 * Serial receivers are {@link FakeReceiverLine}s on a wholly virtual clock.
 */
class HostileReferenceTest {
    static final String SNTP = "sntp:hostile";
    static final String TAI = "tai:hostile";
    static final String HOST = "localhost";
    static final String TTY = "/dev/ttyhostile";
    static final long MS = 1_000_000L;
    static final long SECOND = 1_000_000_000L;
    static final long HOUR = 3_600 * SECOND;
    /** The honest network samples' spread on a loaded loopback: far below any hostile offset. */
    static final long NET_CORRECTION = 50 * MS;
    /** An RFC 868 date alone is right to ±0.5 s. */
    static final long DATE_CORRECTION = 1_100 * MS;
    static final long SERIAL_CORRECTION = 10 * MS;
    /** -t 3 -T 5 -w 50 ms -W 100 ms. */
    static final int MIN_TRIALS = 3;
    static final int MAX_TRIALS = 5;
    static final long PROBE_WAIT = 50 * MS;
    static final long DATE_WAIT = 100 * MS;
    static final long NET_MEASURE_MAX = 5 * SECOND;
    static final long SERIAL_MEASURE_MAX = 10 * SECOND;
    static final int HOSTILE = 3;
    static final int HEALED = 4;
    static final long LOCAL_START = Instant.parse("2026-12-06T12:00:00Z").getEpochSecond() * SECOND;

    static final List<AutoCloseable> OPEN = new ArrayList<>();
    static int cases;

    static ReferenceConfig config(int timePort) {
        return new ReferenceConfig(MIN_TRIALS, MAX_TRIALS, PROBE_WAIT, DATE_WAIT, timePort, false, "PST_WWV",
                OptionalInt.empty(), Path.of("etc/leap-seconds.list"));
    }

    static <T extends AutoCloseable> T keep(T c) {
        synchronized (OPEN) {
            OPEN.add(c);
        }
        return c;
    }

    @AfterAll
    static void closeAll() throws Exception {
        for (AutoCloseable c : OPEN) {
            c.close();
        }
        System.out.println("HostileReferenceTest: " + cases + " hostile cases run");
    }

    static Case net(String name, HostileRun.Opener opener, String line) {
        return new Case(name, VirtualClock.loopback(), opener, line, false, true, NET_CORRECTION, NET_MEASURE_MAX,
                HOSTILE, HEALED);
    }

    static Case serial(String name, HostileRun.Opener opener, String line) {
        return new Case(name, VirtualClock.virtual(LOCAL_START), opener, line, false, true, SERIAL_CORRECTION,
                SERIAL_MEASURE_MAX, HOSTILE, HEALED);
    }

    private static void run(Case c) throws Exception {
        cases++;
        HostileRun.check(c);
    }

    // ---------------------------------------------------------------- SNTP

    /** How a hostile SNTP server answers request n; {@code good} is the honest reply. */
    interface SntpLie {
        void answer(int n, byte[] request, byte[] good, FakeUdpServer.Replier reply, VirtualClock clock) throws IOException;
    }

    static byte[] sntpReply(VirtualClock clock, long origin, long shiftNanos) {
        long now = Epochs.ntp64FromPosixNanos(clock.trueNanos() + shiftNanos);
        return new NtpPacket(0, 4, 4, 2, 6, -24, 0, 0, 0x7F000001, now, origin, now, now).encode();
    }

    static byte[] at(byte[] good, long ntp64) {
        byte[] b = good.clone();
        NtpPacket.putLong(b, 32, ntp64);
        NtpPacket.putLong(b, 40, ntp64);
        return b;
    }

    static long ntpAt(String iso) {
        return Epochs.ntp64FromPosixNanos(Instant.parse(iso).getEpochSecond() * SECOND);
    }

    static Case sntp(String name, String line, SntpLie lie) {
        return net("sntp " + name, (clock, log, healed) -> {
            FakeUdpServer server = keep(new FakeUdpServer((n, req, reply) -> {
                byte[] good = sntpReply(clock, NtpPacket.getLong(req, 40), 0);
                if (healed.get()) {
                    reply.send(good);
                } else {
                    lie.answer(n, req, good, reply, clock);
                }
            }));
            return new SntpReference(SNTP, server.address(), config(37), clock, log);
        }, line);
    }

    static final String SNTP_REFUSED = "NOTICE 0 responses in " + MAX_TRIALS + " trials from " + SNTP + "; refused: ";
    static final String SNTP_SILENT = "NOTICE 0 responses in " + MAX_TRIALS + " trials from " + SNTP;
    static final String SNTP_DATE = "NOTICE refusing the date from " + SNTP + ": ";
    static final String SNTP_DISAGREE = "NOTICE replies from " + SNTP + " disagree beyond their bounds";

    static byte[] with(byte[] good, int index, int value) {
        byte[] b = good.clone();
        b[index] = (byte) value;
        return b;
    }

    static byte[] kiss(byte[] good, String code) {
        byte[] b = with(with(good, 0, 0xE4), 1, 0);
        NtpPacket.putU32(b, 12, NtpPacket.asciiId(code));
        return b;
    }

    static Stream<Case> sntpCases() {
        SplittableRandom random = new SplittableRandom(123);
        List<Case> l = new ArrayList<>();
        l.add(sntp("silent", SNTP_SILENT, (n, q, g, r, c) -> { }));
        l.add(sntp("truncated", SNTP_REFUSED + "truncated", (n, q, g, r, c) -> r.send(Arrays.copyOf(g, 20))));
        l.add(sntp("empty datagram", SNTP_REFUSED + "truncated", (n, q, g, r, c) -> r.send(new byte[0])));
        l.add(sntp("oversized", SNTP_REFUSED + "oversized", (n, q, g, r, c) -> r.send(Arrays.copyOf(g, 1_000))));
        l.add(sntp("random 48 bytes", SNTP_REFUSED, (n, q, g, r, c) -> {
            byte[] b = new byte[48];
            random.nextBytes(b);
            r.send(b);
        }));
        l.add(sntp("random bytes of random length", SNTP_REFUSED, (n, q, g, r, c) -> {
            byte[] b = new byte[random.nextInt(200)];
            random.nextBytes(b);
            r.send(b);
        }));
        l.add(sntp("random bytes echoing our origin", SNTP_REFUSED, (n, q, g, r, c) -> {
            byte[] b = new byte[48];
            random.nextBytes(b);
            System.arraycopy(q, 40, b, 24, 8);
            b[0] = (byte) (b[0] & ~7 | 4);
            r.send(b);
        }));
        l.add(sntp("mode 3 (a client's request)", SNTP_REFUSED + "wrong-mode", (n, q, g, r, c) -> r.send(with(g, 0, 0x23))));
        l.add(sntp("mode 5 (broadcast)", SNTP_REFUSED + "wrong-mode", (n, q, g, r, c) -> r.send(with(g, 0, 0x25))));
        l.add(sntp("version 0", SNTP_REFUSED + "wrong-version", (n, q, g, r, c) -> r.send(with(g, 0, 0x04))));
        l.add(sntp("version 7", SNTP_REFUSED + "wrong-version", (n, q, g, r, c) -> r.send(with(g, 0, 0x3C))));
        l.add(sntp("stratum 16", SNTP_REFUSED + "unsynchronized", (n, q, g, r, c) -> r.send(with(g, 1, 16))));
        l.add(sntp("stratum 200", SNTP_REFUSED + "unsynchronized", (n, q, g, r, c) -> r.send(with(g, 1, 200))));
        l.add(sntp("LI 3", SNTP_REFUSED + "leap-alarm", (n, q, g, r, c) -> r.send(with(g, 0, 0xE4))));
        l.add(sntp("root dispersion 2 s", SNTP_REFUSED + "root-distance", (n, q, g, r, c) -> r.send(with(g, 9, 2))));
        l.add(sntp("precision 2^10 s", SNTP_REFUSED + "bad-precision", (n, q, g, r, c) -> r.send(with(g, 3, 10))));
        l.add(sntp("KoD RATE", "NOTICE sntp server " + SNTP + " asked us to slow down (KoD RATE); holding off 64 s",
                (n, q, g, r, c) -> r.send(kiss(g, "RATE"))).hostileFor(1));
        l.add(sntp("KoD DENY", "ERR sntp server " + SNTP + " refused service (KoD DENY); no longer using it",
                (n, q, g, r, c) -> r.send(kiss(g, "DENY"))).terminal());
        l.add(sntp("KoD RSTR", "ERR sntp server " + SNTP + " refused service (KoD RSTR); no longer using it",
                (n, q, g, r, c) -> r.send(kiss(g, "RSTR"))).terminal());
        l.add(sntp("KoD unknown code", SNTP_REFUSED + "kod", (n, q, g, r, c) -> r.send(kiss(g, "XYZ"))));
        l.add(sntp("KoD DENY with a wrong origin", SNTP_REFUSED + "wrong-origin", (n, q, g, r, c) -> {
            byte[] b = kiss(g, "DENY");
            NtpPacket.putLong(b, 24, 42);
            r.send(b);
        }));
        l.add(sntp("KoD DENY from another port", SNTP_REFUSED + "wrong-source",
                (n, q, g, r, c) -> r.sendFromOtherPort(kiss(g, "DENY"))));
        l.add(sntp("zero origin", SNTP_REFUSED + "wrong-origin", (n, q, g, r, c) -> {
            byte[] b = g.clone();
            NtpPacket.putLong(b, 24, 0);
            r.send(b);
        }));
        l.add(sntp("wrong origin", SNTP_REFUSED + "wrong-origin", (n, q, g, r, c) -> {
            byte[] b = g.clone();
            NtpPacket.putLong(b, 24, random.nextLong());
            r.send(b);
        }));
        List<byte[]> first = new ArrayList<>();
        l.add(sntp("replay of the first reply", null, (n, q, g, r, c) -> {
            if (first.isEmpty()) {
                first.add(g);
            }
            r.send(first.get(0));
        }).mixed());
        l.add(sntp("duplicates", null, (n, q, g, r, c) -> {
            r.send(g);
            r.send(g);
            r.send(g);
        }).mixed());
        l.add(sntp("from another port", SNTP_REFUSED + "wrong-source", (n, q, g, r, c) -> r.sendFromOtherPort(g)));
        l.add(sntp("from another address", SNTP_REFUSED + "wrong-source", (n, q, g, r, c) -> r.sendFromOtherAddress(g)));
        l.add(sntp("forgeries from another port before each good reply", null, (n, q, g, r, c) -> {
            r.sendFromOtherPort(sntpReply(c, NtpPacket.getLong(q, 40), HOUR));
            r.send(g);
        }).mixed());
        l.add(sntp("one reply an hour off with the least delay among good ones", null, (n, q, g, r, c) -> {
            if (n % 4 == 2) {
                long now = c.trueNanos() + HOUR;
                long t2 = Epochs.ntp64FromPosixNanos(now - 5_000);
                r.send(new NtpPacket(0, 4, 4, 2, 6, -30, 0, 0, 1, t2, NtpPacket.getLong(q, 40), t2,
                        Epochs.ntp64FromPosixNanos(now)).encode());
            } else {
                r.send(g);
            }
        }).mixed());
        l.add(sntp("hold time beyond the round trip, offsets -1e7 and +1e7 s (issue 9 failure 1)",
                SNTP_REFUSED + "hold-exceeds-round-trip", (n, q, g, r, c) -> {
                    long now = c.trueNanos() + (n % 2 == 0 ? 10_000_000L : -10_000_000L) * SECOND;
                    long t2 = Epochs.ntp64FromPosixNanos(now - 20_000 * SECOND);
                    long t3 = Epochs.ntp64FromPosixNanos(now + 20_000 * SECOND);
                    r.send(new NtpPacket(0, 4, 4, 2, 6, -24, 0, 0, 1, t3, NtpPacket.getLong(q, 40), t2, t3).encode());
                }));
        l.add(sntp("one reply in four claims a long hold time (issue 9 failure 2)", null, (n, q, g, r, c) -> {
            if (n % 4 == 2) {
                long now = c.trueNanos() + HOUR;
                long t2 = Epochs.ntp64FromPosixNanos(now - 7_200 * SECOND);
                r.send(new NtpPacket(0, 4, 4, 2, 6, -24, 0, 0, 1, Epochs.ntp64FromPosixNanos(now),
                        NtpPacket.getLong(q, 40), t2, Epochs.ntp64FromPosixNanos(now)).encode());
            } else {
                r.send(g);
            }
        }).mixed());
        l.add(sntp("every other reply an hour off", null, (n, q, g, r, c) ->
                r.send(n % 2 == 0 ? sntpReply(c, NtpPacket.getLong(q, 40), HOUR) : g)).withLine(SNTP_DISAGREE));
        l.add(sntp("server transmit before its receive", SNTP_REFUSED + "reversed", (n, q, g, r, c) -> {
            byte[] b = g.clone();
            NtpPacket.putLong(b, 32, NtpPacket.getLong(g, 40) + (1L << 32));
            r.send(b);
        }));
        l.add(sntp("zero transmit", SNTP_REFUSED + "zero-transmit", (n, q, g, r, c) -> r.send(at(g, 0))));
        l.add(sntp("zero receive", SNTP_REFUSED + "zero-receive", (n, q, g, r, c) -> {
            byte[] b = g.clone();
            NtpPacket.putLong(b, 32, 0);
            r.send(b);
        }));
        l.add(sntp("transmit all ones (sentinel)", SNTP_DATE, (n, q, g, r, c) -> r.send(at(g, -1L))));
        l.add(sntp("transmit 0x0000000000000001 (sentinel)", SNTP_DATE, (n, q, g, r, c) -> r.send(at(g, 1L + n))));
        l.add(sntp("date before the release", SNTP_DATE, (n, q, g, r, c) ->
                r.send(at(g, ntpAt("2025-06-01T00:00:00Z") + ((long) n << 32)))));
        l.add(sntp("date in 1970", SNTP_DATE, (n, q, g, r, c) -> r.send(at(g, ntpAt("1970-01-01T00:00:10Z") + n))));
        l.add(sntp("date past the era (2037)", SNTP_DATE, (n, q, g, r, c) ->
                r.send(at(g, ntpAt("2037-01-01T00:00:00Z") + ((long) n << 32)))));
        l.add(sntp("era edge 2036-02-07T06:28:16Z (seconds 0 of era 1)", SNTP_DATE, (n, q, g, r, c) ->
                r.send(at(g, ntpAt("2036-02-07T06:28:16Z") + n))));
        l.add(sntp("era edge 2036-02-07T06:28:15Z (seconds all ones)", SNTP_DATE, (n, q, g, r, c) ->
                r.send(at(g, ntpAt("2036-02-07T06:28:15Z") + n))));
        l.add(sntp("LI 3 then a second reply an hour off (issue 9 failure 5)", SNTP_REFUSED, (n, q, g, r, c) -> {
            r.send(with(g, 0, 0xE4));
            r.send(sntpReply(c, NtpPacket.getLong(q, 40), HOUR));
        }));
        l.add(sntp("300 garbage datagrams before each good reply", null, (n, q, g, r, c) -> {
            for (int i = 0; i < 300; i++) {
                byte[] b = new byte[random.nextInt(100)];
                random.nextBytes(b);
                r.send(b);
            }
            r.send(g);
        }).mixed());
        return l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sntpCases")
    void sntp(Case c) throws Exception {
        run(c);
    }

    // ---------------------------------------------------------------- TAICLOCK

    interface TaiLie {
        void answer(int n, byte[] request, byte[] good, FakeUdpServer.Replier reply, VirtualClock clock) throws IOException;
    }

    static byte[] taiReply(byte[] request, long posixNanos) {
        return TaiclockPacket.reply(request, TaiScale.posixPlus10().fromPosixNanos(posixNanos));
    }

    static byte[] label(byte[] good, long label) {
        byte[] b = good.clone();
        for (int i = 0; i < 8; i++) {
            b[4 + i] = (byte) (label >>> (56 - 8 * i));
        }
        return b;
    }

    static Case tai(String name, String line, TaiLie lie) {
        return net("taiclock " + name, (clock, log, healed) -> {
            FakeUdpServer server = keep(new FakeUdpServer((n, req, reply) -> {
                byte[] good = taiReply(req, clock.trueNanos());
                if (healed.get()) {
                    reply.send(good);
                } else {
                    lie.answer(n, req, good, reply, clock);
                }
            }));
            return new TaiclockReference(TAI, server.address(), TaiScale.posixPlus10(), config(37), clock, log);
        }, line);
    }

    static final String TAI_REFUSED = "NOTICE 0 responses in " + MAX_TRIALS + " trials from " + TAI + "; refused: ";
    static final String TAI_DATE = "NOTICE refusing the date from " + TAI + ": ";

    static Stream<Case> taiclockCases() {
        SplittableRandom random = new SplittableRandom(4014);
        long posixLabel = Tai64.EPOCH_LABEL + 10;
        List<Case> l = new ArrayList<>();
        l.add(tai("silent", "NOTICE 0 responses in " + MAX_TRIALS + " trials from " + TAI, (n, q, g, r, c) -> { }));
        l.add(tai("truncated", TAI_REFUSED + "truncated", (n, q, g, r, c) -> r.send(Arrays.copyOf(g, 20))));
        l.add(tai("oversized", TAI_REFUSED + "oversized", (n, q, g, r, c) -> r.send(Arrays.copyOf(g, 300))));
        l.add(tai("random 32 bytes", TAI_REFUSED, (n, q, g, r, c) -> {
            byte[] b = new byte[32];
            random.nextBytes(b);
            r.send(b);
        }));
        l.add(tai("our own request echoed ('ctai')", TAI_REFUSED + "wrong-mode", (n, q, g, r, c) -> r.send(q)));
        l.add(tai("wrong cookie", TAI_REFUSED + "wrong-cookie", (n, q, g, r, c) -> r.send(with(g, 31, g[31] + 1))));
        l.add(tai("label 0x7fffffffffffffff (issue 9 failure 3)", TAI_REFUSED + "bad-label",
                (n, q, g, r, c) -> r.send(label(g, Long.MAX_VALUE))));
        l.add(tai("label that wraps to now + 1 h in 64-bit ns (issue 9 failure 3)", TAI_REFUSED + "bad-label",
                (n, q, g, r, c) -> r.send(label(g, posixLabel + (c.trueNanos() + HOUR) / SECOND + 18_446_744_073L))));
        l.add(tai("label below 2^62", TAI_REFUSED + "bad-label", (n, q, g, r, c) -> r.send(label(g, 42))));
        l.add(tai("label at or above 2^63 (reserved)", TAI_REFUSED + "bad-label", (n, q, g, r, c) -> r.send(label(g, -1L))));
        l.add(tai("nanoseconds field 10^9", TAI_REFUSED + "bad-label", (n, q, g, r, c) -> {
            byte[] b = g.clone();
            b[12] = 0x3B;
            b[13] = (byte) 0x9A;
            b[14] = (byte) 0xCA;
            b[15] = 0;
            r.send(b);
        }));
        l.add(tai("date before the release", TAI_DATE, (n, q, g, r, c) ->
                r.send(label(g, posixLabel + Instant.parse("2025-01-01T00:00:00Z").getEpochSecond() + n))));
        l.add(tai("label 2^62 (1970)", TAI_DATE, (n, q, g, r, c) -> r.send(label(g, Tai64.EPOCH_LABEL + n))));
        l.add(tai("date past the era (2040)", TAI_DATE, (n, q, g, r, c) ->
                r.send(label(g, posixLabel + Instant.parse("2040-01-01T00:00:00Z").getEpochSecond() + n))));
        l.add(tai("one reply an hour off among good ones", null, (n, q, g, r, c) ->
                r.send(n % 4 == 2 ? taiReply(q, c.trueNanos() + HOUR) : g)).mixed());
        l.add(tai("every other reply an hour off", "NOTICE replies from " + TAI + " disagree beyond their bounds",
                (n, q, g, r, c) -> r.send(n % 2 == 0 ? taiReply(q, c.trueNanos() + HOUR) : g)));
        l.add(tai("duplicates", null, (n, q, g, r, c) -> {
            r.send(g);
            r.send(g);
        }).mixed());
        List<byte[]> first = new ArrayList<>();
        l.add(tai("replay of the first reply", null, (n, q, g, r, c) -> {
            if (first.isEmpty()) {
                first.add(g);
            }
            r.send(first.get(0));
        }).mixed());
        l.add(tai("from another port", TAI_REFUSED + "wrong-source", (n, q, g, r, c) -> r.sendFromOtherPort(g)));
        l.add(tai("from another address", TAI_REFUSED + "wrong-source", (n, q, g, r, c) -> r.sendFromOtherAddress(g)));
        l.add(tai("300 garbage datagrams before each good reply", null, (n, q, g, r, c) -> {
            for (int i = 0; i < 300; i++) {
                byte[] b = new byte[random.nextInt(300)];
                random.nextBytes(b);
                r.send(b);
            }
            r.send(g);
        }).mixed());
        return l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("taiclockCases")
    void taiclock(Case c) throws Exception {
        run(c);
    }

    // ---------------------------------------------------------------- RFC 868 (UDP and TCP), date alone

    static final int ICMP_ID = 0x4243;
    static final byte[] LOOPBACK = {127, 0, 0, 1};
    static final Inet4Address LOCALHOST;

    static {
        try {
            LOCALHOST = (Inet4Address) InetAddress.getByName("127.0.0.1");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] date(long posixNanos) {
        return TimeProtocol.encode(Math.floorDiv(posixNanos, SECOND));
    }

    static byte[] wire(long v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    interface DateLie {
        void answer(int n, FakeUdpServer.Replier reply, VirtualClock clock) throws IOException;
    }

    /** An RFC 868 UDP server (no TCP: the fallback is refused at once) and no ICMP socket: the date alone. */
    static Case rfc868(String name, String line, DateLie lie) {
        return net("rfc868 udp " + name, (clock, log, healed) -> {
            FakeUdpServer server = keep(new FakeUdpServer((n, req, reply) -> {
                if (healed.get()) {
                    reply.send(date(clock.trueNanos()));
                } else {
                    lie.answer(n, reply, clock);
                }
            }));
            return new Rfc868IcmpReference(HOST, LOCALHOST, config(server.address().getPort()), clock, log, null, ICMP_ID);
        }, line).correction(DATE_CORRECTION);
    }

    interface TcpLie {
        void serve(Socket s, VirtualClock clock) throws Exception;
    }

    /** An RFC 868 TCP server (UDP unanswered) and no ICMP socket. */
    static Case rfc868Tcp(String name, String line, TcpLie lie) {
        return net("rfc868 tcp " + name, (clock, log, healed) -> {
            ServerSocket ss = keep(new ServerSocket(0, 50, LOCALHOST));
            Thread t = new Thread(() -> {
                while (!ss.isClosed()) {
                    try {
                        Socket s = ss.accept();
                        Thread h = new Thread(() -> {
                            try (s) {
                                if (healed.get()) {
                                    s.getOutputStream().write(date(clock.trueNanos()));
                                } else {
                                    lie.serve(s, clock);
                                }
                            } catch (Exception ignored) {
                                // the client hung up
                            }
                        });
                        h.setDaemon(true);
                        h.start();
                    } catch (IOException closed) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            return new Rfc868IcmpReference(HOST, LOCALHOST, config(ss.getLocalPort()), clock, log, null, ICMP_ID);
        }, line).correction(DATE_CORRECTION);
    }

    static final String NO_DATE = "NOTICE no date from " + HOST + " (time service): ";
    static final String HOST_DATE = "NOTICE refusing the date from " + HOST + ": ";

    static Stream<Case> rfc868Cases() {
        SplittableRandom random = new SplittableRandom(868);
        List<Case> l = new ArrayList<>();
        l.add(rfc868("silent", NO_DATE, (n, r, c) -> { }));
        l.add(rfc868("random 4 bytes outside the window (issue 9 failure 3)", HOST_DATE, (n, r, c) -> {
            long v;
            long local = Math.floorDiv(c.realtimeNanos(), SECOND);
            do {
                v = random.nextLong(1L << 32);   // about 7 % of random values fall inside: the filter's job
            } while (Epochs.outsideSaneWindow(Epochs.posixSecondsFromWire32(v, Epochs.eraPivotPosixSeconds(local)) * SECOND,
                    c.realtimeNanos()) == null || Epochs.sentinelWire32(v));
            r.send(wire(v));
        }));
        l.add(rfc868("value 0 (sentinel)", HOST_DATE + "RFC 868 value 0x00000000 is a sentinel", (n, r, c) -> r.send(wire(0))));
        l.add(rfc868("value 0xffffffff (sentinel)", HOST_DATE + "RFC 868 value 0xffffffff is a sentinel",
                (n, r, c) -> r.send(wire(0xFFFF_FFFFL))));
        l.add(rfc868("1985", HOST_DATE, (n, r, c) -> r.send(date(Instant.parse("1985-06-01T00:00:00Z").getEpochSecond() * SECOND))));
        l.add(rfc868("a year before the release", HOST_DATE, (n, r, c) -> r.send(date(c.trueNanos() - 365 * 86_400 * SECOND))));
        l.add(rfc868("2040 (past the era)", HOST_DATE, (n, r, c) ->
                r.send(date(Instant.parse("2040-01-01T00:00:00Z").getEpochSecond() * SECOND))));
        l.add(rfc868("truncated", NO_DATE, (n, r, c) -> r.send(Arrays.copyOf(date(c.trueNanos()), 3))));
        l.add(rfc868("empty datagram", NO_DATE, (n, r, c) -> r.send(new byte[0])));
        l.add(rfc868("oversized", NO_DATE, (n, r, c) -> r.send(Arrays.copyOf(date(c.trueNanos()), 48))));
        l.add(rfc868("from another port", NO_DATE, (n, r, c) -> r.sendFromOtherPort(date(c.trueNanos()))));
        l.add(rfc868("from another address", NO_DATE, (n, r, c) -> r.sendFromOtherAddress(date(c.trueNanos()))));
        l.add(rfc868("a forgery from another port before each good date", null, (n, r, c) -> {
            r.sendFromOtherPort(date(c.trueNanos() + 40 * 86_400 * SECOND));
            r.send(date(c.trueNanos()));
        }).mixed());
        l.add(rfc868Tcp("silent, never closing", NO_DATE, (s, c) -> Thread.sleep(10_000)));
        l.add(rfc868Tcp("dripping one byte per 60 ms", NO_DATE, (s, c) -> {
            OutputStream out = s.getOutputStream();
            for (byte b : date(c.trueNanos())) {
                out.write(b);
                out.flush();
                Thread.sleep(60);
            }
            Thread.sleep(10_000);
        }));
        l.add(rfc868Tcp("a good date, then never closing", null, (s, c) -> {
            s.getOutputStream().write(date(c.trueNanos()));
            s.getOutputStream().flush();
            Thread.sleep(10_000);
        }).mixed());
        l.add(rfc868Tcp("a megabyte", NO_DATE, (s, c) -> {
            s.getOutputStream().write(new byte[1 << 20]);
        }));
        l.add(rfc868Tcp("random 4 bytes outside the window", HOST_DATE, (s, c) -> {
            long v;
            do {
                v = random.nextLong(1L << 32);
            } while (Epochs.outsideSaneWindow(Epochs.posixSecondsFromWire32(v, Epochs.eraPivotPosixSeconds(
                    Math.floorDiv(c.realtimeNanos(), SECOND))) * SECOND, c.realtimeNanos()) == null || Epochs.sentinelWire32(v));
            s.getOutputStream().write(wire(v));
        }));
        l.add(rfc868Tcp("value 0xffffffff (sentinel)", HOST_DATE, (s, c) -> s.getOutputStream().write(wire(0xFFFF_FFFFL))));
        l.add(rfc868Tcp("closes at once", NO_DATE, (s, c) -> { }));
        l.add(rfc868Tcp("reads our request forever, answers nothing", NO_DATE, (s, c) -> {
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                Thread.onSpinWait();
            }
        }));
        return l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rfc868Cases")
    void rfc868(Case c) throws Exception {
        run(c);
    }

    // ---------------------------------------------------------------- ICMP timestamps (with an honest date)

    interface IcmpLie {
        List<byte[]> answer(int n, int id, int seq, long originate, long nowMillis);
    }

    static Case icmp(String name, String line, IcmpLie lie) {
        return net("icmp " + name, (clock, log, healed) -> {
            FakeUdpServer dates = keep(new FakeUdpServer((n, req, reply) -> reply.send(date(clock.trueNanos()))));
            FakeIcmpChannel net = new FakeIcmpChannel(clock, (n, id, seq, o, to) -> {
                long now = FakeIcmpChannel.serverMillis(clock, clock.trueOffsetNanos());
                byte[] good = IcmpTimestamp.replyDatagram(LOOPBACK, id, seq, o, now, now);
                return healed.get() ? List.of(good) : lie.answer(n, id, seq, o, now);
            });
            return new Rfc868IcmpReference(HOST, LOCALHOST, config(dates.address().getPort()), clock, log, net, ICMP_ID);
        }, line);
    }

    static byte[] icmpReply(int id, int seq, long o, long r, long t) {
        return IcmpTimestamp.replyDatagram(LOOPBACK, id, seq, o, r % 86_400_000L, t % 86_400_000L);
    }

    static final String ICMP_NONE = "NOTICE 0 responses in " + MAX_TRIALS + " trials from " + HOST;

    static Stream<Case> icmpCases() {
        SplittableRandom random = new SplittableRandom(792);
        List<Case> l = new ArrayList<>();
        l.add(icmp("silent", ICMP_NONE, (n, id, seq, o, now) -> List.of()));
        l.add(icmp("truncated", ICMP_NONE, (n, id, seq, o, now) -> List.of(Arrays.copyOf(icmpReply(id, seq, o, now, now), 30))));
        l.add(icmp("oversized", ICMP_NONE, (n, id, seq, o, now) -> List.of(Arrays.copyOf(icmpReply(id, seq, o, now, now), 60))));
        l.add(icmp("random bytes", ICMP_NONE, (n, id, seq, o, now) -> {
            byte[] b = new byte[random.nextInt(80)];
            random.nextBytes(b);
            return List.of(b);
        }));
        l.add(icmp("echo reply instead of a timestamp reply", ICMP_NONE, (n, id, seq, o, now) -> {
            byte[] b = icmpReply(id, seq, o, now, now);
            b[20] = 0;
            return List.of(b);
        }));
        l.add(icmp("bad checksum", ICMP_NONE, (n, id, seq, o, now) -> {
            byte[] b = icmpReply(id, seq, o, now, now);
            b[23] ^= 1;
            return List.of(b);
        }));
        l.add(icmp("bit 31 set (non-standard)", ICMP_NONE, (n, id, seq, o, now) ->
                List.of(IcmpTimestamp.replyDatagram(LOOPBACK, id, seq, o, now | 0x8000_0000L, now | 0x8000_0000L))));
        l.add(icmp("beyond one day", ICMP_NONE, (n, id, seq, o, now) ->
                List.of(IcmpTimestamp.replyDatagram(LOOPBACK, id, seq, o, 90_000_000L, 90_000_000L))));
        l.add(icmp("another id", ICMP_NONE, (n, id, seq, o, now) -> List.of(icmpReply(id + 1, seq, o, now, now))));
        l.add(icmp("another sequence", ICMP_NONE, (n, id, seq, o, now) -> List.of(icmpReply(id, seq + 7, o, now, now))));
        l.add(icmp("from another address", ICMP_NONE, (n, id, seq, o, now) ->
                List.of(IcmpTimestamp.replyDatagram(new byte[] {127, 0, 0, 2}, id, seq, o, now, now))));
        l.add(icmp("originate not ours", ICMP_NONE, (n, id, seq, o, now) -> List.of(icmpReply(id, seq, o + 1, now, now))));
        l.add(icmp("hold time beyond the round trip", ICMP_NONE, (n, id, seq, o, now) ->
                List.of(icmpReply(id, seq, o, now + 3_600_000L - 20_000, now + 3_600_000L + 20_000))));
        l.add(icmp("duplicates", null, (n, id, seq, o, now) -> {
            byte[] g = icmpReply(id, seq, o, now, now);
            return List.of(g, g, g);
        }).mixed());
        List<byte[]> old = new ArrayList<>();
        l.add(icmp("replays of an earlier reply before each good one", null, (n, id, seq, o, now) -> {
            byte[] g = icmpReply(id, seq, o, now, now);
            old.add(g);
            return List.of(old.get(0), g);
        }).mixed());
        l.add(icmp("one reply an hour off among good ones", null, (n, id, seq, o, now) ->
                List.of(n % 4 == 2 ? icmpReply(id, seq, o, now + 3_600_000L, now + 3_600_000L) : icmpReply(id, seq, o, now, now)))
                .mixed());
        l.add(icmp("every reply three hours off the honest date", "ERR master " + HOST + " unreachable: " + HOST
                + ": date-mismatch", (n, id, seq, o, now) -> List.of(icmpReply(id, seq, o, now + 10_800_000L, now + 10_800_000L))));
        l.add(icmp("every other reply an hour off", "NOTICE replies from " + HOST + " disagree beyond their bounds",
                (n, id, seq, o, now) -> List.of(n % 2 == 0 ? icmpReply(id, seq, o, now + 3_600_000L, now + 3_600_000L)
                        : icmpReply(id, seq, o, now, now))));
        l.add(icmp("300 foreign datagrams before each good reply", null, (n, id, seq, o, now) -> {
            List<byte[]> out = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                out.add(icmpReply(id + 1 + i, seq, o, now, now));
            }
            out.add(icmpReply(id, seq, o, now, now));
            return out;
        }).mixed());
        return l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("icmpCases")
    void icmp(Case c) throws Exception {
        run(c);
    }

    // ---------------------------------------------------------------- serial receivers

    static Case receiver(boolean tt600, Fault fault, String line) {
        return serial((tt600 ? "tt600 " : "pst ") + fault.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '),
                (clock, log, healed) -> {
                    FakeReceiverLine l = new FakeReceiverLine(tt600, fault, healed, clock);
                    YearRule.Context years = new YearRule.Context(OptionalInt.empty());
                    Reference r = tt600 ? new Tt600Reference(TTY, path -> l, years, clock, log)
                            : new PstWwvReference(TTY, path -> l, years, clock, log);
                    return r;
                }, line);
    }

    static final String GARBAGE = "ERR receiver " + TTY + " answers garbage";
    static final String SILENT = "ERR receiver " + TTY + " not answering";

    static Stream<Case> pstCases() {
        List<Case> l = new ArrayList<>();
        l.add(receiver(false, Fault.SILENT, SILENT));
        l.add(receiver(false, Fault.NOISE, GARBAGE));
        l.add(receiver(false, Fault.TRUNCATE, GARBAGE + ": truncated reply"));
        l.add(receiver(false, Fault.BAD_STATUS, GARBAGE + ": bad status byte 0x41"));
        l.add(receiver(false, Fault.NO_TIME, "ERR receiver " + TTY + " reports no time available"));
        l.add(receiver(false, Fault.FAULT_BITS, "ERR receiver " + TTY + " reports a fault"));
        l.add(receiver(false, Fault.FLOOD, GARBAGE));
        l.add(receiver(false, Fault.NO_END_OF_LINE, GARBAGE + ": byte 12 is 0x78, not CR"));
        l.add(receiver(false, Fault.TOO_SOON, GARBAGE + ": reply to \"QA0000\" complete in"));
        l.add(receiver(false, Fault.LATE_30_MS, null).mixed());
        l.add(receiver(false, Fault.LATE_80_MS, null).mixed());
        l.add(receiver(false, Fault.LATE_120_MS, null).mixed());
        l.add(receiver(false, Fault.HOUR_OFF_EVERY_THIRD, null).mixed());
        l.add(receiver(false, Fault.WRONG_YEAR, "ERR receiver " + TTY + " says the year is"));
        return l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pstCases")
    void pst(Case c) throws Exception {
        run(c);
    }

    static Stream<Case> tt600Cases() {
        List<Case> l = new ArrayList<>();
        l.add(receiver(true, Fault.SILENT, SILENT));
        l.add(receiver(true, Fault.NOISE, GARBAGE));
        l.add(receiver(true, Fault.TRUNCATE, GARBAGE + ": truncated reply"));
        l.add(receiver(true, Fault.BAD_STATUS, GARBAGE + ": not a DDD:HH:MM:SS.mmmQ time"));
        l.add(receiver(true, Fault.NO_TIME, "ERR receiver " + TTY + " has no reference (quality '?')"));
        l.add(receiver(true, Fault.FLOOD, GARBAGE));
        l.add(receiver(true, Fault.NO_END_OF_LINE, GARBAGE));
        l.add(receiver(true, Fault.TOO_SOON, GARBAGE + ": reply to \"T\" complete in"));
        l.add(receiver(true, Fault.LATE_30_MS, GARBAGE + ": reply to \"T\" complete in"));   // later than it can be
        l.add(receiver(true, Fault.LATE_80_MS, null).mixed());
        l.add(receiver(true, Fault.LATE_120_MS, null).mixed());   // issue 9 failure 6
        l.add(receiver(true, Fault.LATE_200_MS, null).mixed());
        l.add(receiver(true, Fault.LATE_400_MS, null).mixed());
        l.add(receiver(true, Fault.HOUR_OFF_EVERY_THIRD, null).mixed());
        l.add(receiver(true, Fault.OLD_YEAR, GARBAGE + ": year 1995 before 1997"));
        return l.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("tt600Cases")
    void tt600(Case c) throws Exception {
        run(c);
    }

    @Test
    void theSuiteCoversEveryReferenceWithManyCases() {
        long n = sntpCases().count() + taiclockCases().count() + rfc868Cases().count() + icmpCases().count()
                + pstCases().count() + tt600Cases().count();
        assertEquals(true, n >= 100, n + " cases");
    }
}
