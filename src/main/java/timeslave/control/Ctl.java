package timeslave.control;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * timeslave-ctl: asks the daemon through its control socket ({@link ControlServer}) and prints the
 * answer. Exit status: 0 answered (waitsync: synchronised), 1 the daemon refused or could not be
 * reached (waitsync: not synchronised in time), 2 bad command line. See man/timeslave-ctl.8.
 */
public final class Ctl {
    public static final int EXIT_OK = 0;
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_USAGE = 2;
    /** waitsync: seconds between two looks. */
    static final long WAITSYNC_POLL_MILLIS = 1_000;
    /** CSV field positions in "csv tracking" that waitsync reads (see StatusReport.tracking). */
    static final int CSV_SYNCHRONISED = 1;
    static final int CSV_ERROR_BOUND = 10;

    private Ctl() {
    }

    public static void main(String[] args) {
        System.exit(run(Arrays.asList(args), System.out, System.err));
    }

    static String usage() {
        return String.join("\n",
                "usage: timeslave-ctl [--control PATH] [-c | --json] COMMAND",
                "commands: tracking | sources | serverstats | debug LEVEL | reload",
                "          | waitsync [TIMEOUT [MAX-ERROR]]   (seconds; 0: no limit)",
                "default control socket: " + ControlServer.DEFAULT_PATH);
    }

    static int run(List<String> args, PrintStream out, PrintStream err) {
        Path control = ControlServer.DEFAULT_PATH;
        String format = "text";
        List<String> words = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (!words.isEmpty()) {
                words.add(a);
            } else if (a.equals("--control") && i + 1 < args.size()) {
                control = Path.of(args.get(++i));
            } else if (a.startsWith("--control=")) {
                control = Path.of(a.substring("--control=".length()));
            } else if (a.equals("-c") || a.equals("--csv")) {
                format = "csv";
            } else if (a.equals("--json")) {
                format = "json";
            } else if (a.equals("-h") || a.equals("--help")) {
                out.println(usage());
                return EXIT_OK;
            } else if (a.startsWith("-")) {
                err.println("timeslave-ctl: unknown option " + a + (a.equals("--control") ? " (needs a PATH)" : ""));
                err.println(usage());
                return EXIT_USAGE;
            } else {
                words.add(a);
            }
        }
        if (words.isEmpty()) {
            err.println("timeslave-ctl: no command given");
            err.println(usage());
            return EXIT_USAGE;
        }
        String cmd = words.get(0);
        List<String> rest = words.subList(1, words.size());
        switch (cmd) {
            case "tracking", "sources", "serverstats", "reload" -> {
                if (!rest.isEmpty()) {
                    return usageError(err, cmd + " takes no arguments");
                }
            }
            case "debug" -> {
                if (rest.size() != 1 || !rest.get(0).matches("[0-9]{1,2}")) {
                    return usageError(err, "debug needs one level, a whole number from 0 to 99");
                }
            }
            case "waitsync" -> {
                return waitsync(control, rest, out, err);
            }
            default -> {
                return usageError(err, "unknown command " + cmd);
            }
        }
        String answer;
        try {
            answer = ask(control, format + " " + String.join(" ", words));
        } catch (IOException e) {
            err.println("timeslave-ctl: " + control + ": " + e.getMessage());
            return EXIT_FAILURE;
        }
        int nl = answer.indexOf('\n');
        String first = nl < 0 ? answer : answer.substring(0, nl);
        if (!first.equals("ok")) {
            err.println("timeslave-ctl: " + (first.startsWith("error: ") ? first.substring(7) : "bad answer: " + first));
            return EXIT_FAILURE;
        }
        out.print(answer.substring(nl + 1));
        out.flush();
        return EXIT_OK;
    }

    private static int usageError(PrintStream err, String what) {
        err.println("timeslave-ctl: " + what);
        err.println(usage());
        return EXIT_USAGE;
    }

    /** Sends one request line and reads the whole answer; IOException messages are fit to print. */
    static String ask(Path control, String request) throws IOException {
        SocketChannel c;
        try {
            c = SocketChannel.open(StandardProtocolFamily.UNIX);
            c.connect(UnixDomainSocketAddress.of(control));
        } catch (java.net.SocketException e) {
            String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
            if (m.contains("no such file")) {
                throw new IOException("no such socket; is timeslave running (with --control " + control + ")?");
            }
            if (m.contains("connection refused")) {
                throw new IOException("nothing answers (connection refused); is timeslave running?");
            }
            if (m.contains("permission denied")) {
                throw new IOException("permission denied; the socket is for root and group " + ControlServer.GROUP);
            }
            throw new IOException("cannot connect: " + e.getMessage());
        }
        try (c) {
            c.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
            c.shutdownOutput();
            return new String(Channels.newInputStream(c).readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** waitsync [TIMEOUT [MAX-ERROR]]: polls tracking until synchronised (and the bound within MAX-ERROR). */
    static int waitsync(Path control, List<String> rest, PrintStream out, PrintStream err) {
        if (rest.size() > 2) {
            return usageError(err, "waitsync takes at most TIMEOUT and MAX-ERROR");
        }
        BigDecimal timeout;
        BigDecimal maxError;
        try {
            timeout = rest.isEmpty() ? BigDecimal.ZERO : seconds(rest.get(0));
            maxError = rest.size() < 2 ? BigDecimal.ZERO : seconds(rest.get(1));
        } catch (NumberFormatException e) {
            return usageError(err, "waitsync: TIMEOUT and MAX-ERROR are seconds, 0 or more (0: no limit)");
        }
        long deadline = timeout.signum() == 0 ? Long.MAX_VALUE
                : System.nanoTime() + timeout.movePointRight(9).longValue();
        int tries = 0;
        String last = "";
        while (true) {
            tries++;
            String state;
            try {
                String a = ask(control, "csv tracking");
                if (!a.startsWith("ok\n")) {
                    state = a.strip();
                } else {
                    List<String> f = csvFields(a.substring(3).strip());
                    boolean sync = f.get(CSV_SYNCHRONISED).equals("true");
                    String bound = f.get(CSV_ERROR_BOUND);
                    boolean within = maxError.signum() == 0
                            || (!bound.isEmpty() && new BigDecimal(bound).compareTo(maxError) <= 0);
                    state = "synchronised: " + (sync ? "yes" : "no") + ", error bound: "
                            + (bound.isEmpty() ? "unknown" : bound + " s");
                    if (sync && within) {
                        out.println("try: " + tries + ", " + state);
                        return EXIT_OK;
                    }
                }
            } catch (IOException e) {
                state = e.getMessage();
            }
            if (!state.equals(last)) {
                out.println("try: " + tries + ", " + state);
                out.flush();
                last = state;
            }
            if (System.nanoTime() + WAITSYNC_POLL_MILLIS * 1_000_000 > deadline) {
                err.println("timeslave-ctl: waitsync: not synchronised" + (maxError.signum() == 0 ? ""
                        : " within " + maxError.toPlainString() + " s") + " after " + timeout.toPlainString() + " s");
                return EXIT_FAILURE;
            }
            try {
                Thread.sleep(WAITSYNC_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return EXIT_FAILURE;
            }
        }
    }

    /** One CSV line's fields (RFC 4180 quoting, as StatusReport writes it). */
    static List<String> csvFields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    f.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(f.toString());
                f.setLength(0);
            } else {
                f.append(c);
            }
        }
        out.add(f.toString());
        return out;
    }

    private static BigDecimal seconds(String s) {
        if (!s.matches("[0-9]{1,9}(\\.[0-9]{1,9})?")) {
            throw new NumberFormatException(s);
        }
        return new BigDecimal(s);
    }
}
