package timeslave.uml;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import timeslave.ref.ExternalServer;

/**
 * Benchmark (run by scripts/bench-real-kernel, never by the test suite): timeslave and chronyd, one
 * after the other, each alone in a User-Mode Linux guest whose clock starts 0.5 s behind a master
 * running 50 ppm fast (chronyd -x under libfaketime on the host end of a tap), with the same packet
 * budget ({@code -r 16} against {@code minpoll 4 maxpoll 4}); on the bare tap and through a
 * {@link UdpRelay} adding 100 µs + exponential(100 µs) each way. The oracle ({@link GuestClock})
 * gives the truth: RMS, p99 and maximum |offset| after convergence, and the time to stay within 1 ms
 * and 100 µs.
 *
 * <p>Arguments: {@code [--seconds N] [--from S] [--paths bare,relay]}.
 */
public final class BenchRealKernel {
    static final long BASE_NANOS = 100_000;
    static final long JITTER_MEAN_NANOS = 100_000;

    private BenchRealKernel() {
    }

    /** One run's figures, µs and s. */
    record Result(String who, String path, int readings, double meanUs, double rmsUs, double p99Us, double maxUs,
                  double to1msS, double to100usS, String note) {
    }

    public static void main(String[] args) throws Exception {
        int seconds = 420;
        int from = 150;
        List<String> paths = List.of("bare", "relay");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--from" -> from = Integer.parseInt(args[++i]);
                case "--paths" -> paths = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (!Files.isExecutable(UmlGuest.LINUX_UML) || !Files.exists(Path.of("/dev/net/tun"))
                || !"root".equals(System.getProperty("user.name"))) {
            System.out.println("bench-real-kernel: needs root, " + UmlGuest.LINUX_UML + " and /dev/net/tun");
            System.exit(111);
        }
        System.out.printf(Locale.ROOT, "# %d s per run, figures from %d s after boot; master chronyd -x, FAKETIME \"%s\"; guest starts 0.5 s behind%n",
                seconds, from, TapMaster.FAKETIME);
        List<Result> results = new ArrayList<>();
        Path work = Files.createDirectories(Path.of("target", "bench-real-kernel"));
        try (Tap tap = Tap.create(); TapMaster master = TapMaster.start(Files.createTempDirectory(work.toAbsolutePath(), "master"), tap, true)) {
            for (String path : paths) {
                UdpRelay relay = path.equals("relay")
                        ? new UdpRelay(new InetSocketAddress(tap.hostIp, 0), master.address(), BASE_NANOS, JITTER_MEAN_NANOS, 1)
                        : null;
                try {
                    InetSocketAddress to = relay != null ? relay.address() : master.address();
                    for (String who : List.of("timeslave", "chronyd")) {
                        Result r = run(who, path, tap, master, to, seconds, from);
                        results.add(r);
                        print(r);
                    }
                } finally {
                    if (relay != null) {
                        relay.close();
                    }
                }
            }
        }
        System.out.println();
        System.out.println("ratio timeslave/chronyd (target <= 0.8 for RMS and p99):");
        for (String path : paths) {
            Result t = results.stream().filter(r -> r.path.equals(path) && r.who.equals("timeslave")).findFirst().orElseThrow();
            Result c = results.stream().filter(r -> r.path.equals(path) && r.who.equals("chronyd")).findFirst().orElseThrow();
            System.out.printf(Locale.ROOT, "  %-5s  RMS %.2f  p99 %.2f  max %.2f%n", path, t.rmsUs / c.rmsUs, t.p99Us / c.p99Us,
                    t.maxUs / c.maxUs);
        }
    }

    static void print(Result r) {
        System.out.printf(Locale.ROOT, "%-9s %-5s readings %5d  mean %+8.1f us  RMS %7.1f us  p99 %7.1f us  max %7.1f us"
                        + "  to<1ms %6.1f s  to<100us %6.1f s  %s%n", r.who, r.path, r.readings, r.meanUs, r.rmsUs, r.p99Us,
                r.maxUs, r.to1msS, r.to100usS, r.note);
    }

    static Result run(String who, String path, Tap tap, TapMaster master, InetSocketAddress to, int seconds, int from)
            throws Exception {
        String hostPort = to.getHostString() + ":" + to.getPort();
        String run;
        if (who.equals("timeslave")) {
            run = "timeout -s TERM " + seconds + " " + GuestCommands.timeslave() + " -B -d -H sntp:" + hostPort
                    + " -r 16 -u root --syslog none -P timetrim > daemon.log 2>&1\n";
        } else {
            ExternalServer.assumeBinary(ExternalServer.CHRONYD);
            run = "cat > chrony.conf <<EOF\nserver " + to.getHostString() + " port " + to.getPort()
                    + " minpoll 4 maxpoll 4 iburst\nmakestep 0.128 3\ndriftfile $PWD/chrony.drift\npidfile $PWD/chronyd.pid\n"
                    + "cmdport 0\nEOF\ntimeout -s TERM " + seconds + " " + ExternalServer.CHRONYD
                    + " -d -u root -f chrony.conf > daemon.log 2>&1\n";
        }
        List<GuestClock.Reading> readings = new ArrayList<>();
        try (UmlGuest g = UmlGuest.boot(new UmlGuest.Spec(run).tap(tap).shiftNanos(TapMaster.SHIFT_NANOS - 500_000_000L))) {
            Oracle.follow(g, master, readings, seconds + 60);
            Oracle o = new Oracle(master, readings);
            long start = o.hostAt(0);
            double[] after = o.offsetsFromHost(start + from * 1_000_000_000L);
            double mean = Arrays.stream(after).average().orElse(Double.NaN);
            double rms = Math.sqrt(Arrays.stream(after).map(x -> x * x).average().orElse(Double.NaN));
            double[] abs = Arrays.stream(after).map(Math::abs).sorted().toArray();
            double p99 = abs.length == 0 ? Double.NaN : abs[(int) Math.min(abs.length - 1, Math.ceil(0.99 * abs.length) - 1)];
            double max = abs.length == 0 ? Double.NaN : abs[abs.length - 1];
            String note = "scratch " + g.scratch();
            return new Result(who, path, after.length, mean / 1e3, rms / 1e3, p99 / 1e3, max / 1e3,
                    timeToStayWithin(o, 1_000_000), timeToStayWithin(o, 100_000), note);
        } catch (IOException e) {
            throw new IOException(who + " on " + path + ": " + e.getMessage(), e);
        }
    }

    /** Seconds from the first reading until |offset| stays within {@code limitNanos} to the end; NaN if never. */
    static double timeToStayWithin(Oracle o, double limitNanos) {
        int last = -1;
        for (int i = 0; i < o.size(); i++) {
            if (Math.abs(o.offsetAt(i)) > limitNanos) {
                last = i;
            }
        }
        if (last == o.size() - 1) {
            return Double.NaN;
        }
        return (o.hostAt(last + 1) - o.hostAt(0)) / 1e9;
    }
}
