package timeslave.uml;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import timeslave.ref.ExternalServer;

/**
 * Shell lines for a guest's run.sh: the daemon from this build (target/classes and the dependency
 * jars, the same paths through hostfs) and a once-a-second record of the guest kernel's clock state
 * ({@code adjtimex -p}); and the parser for those records.
 */
final class GuestCommands {
    /** The JVM flags of bin/timeslave, plus private temporary directories (the guest's /tmp is its own tmpfs). */
    static final String JVM_FLAGS = "-XX:+UseSerialGC -Xmx32m -Xss256k -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1"
            + " -Djava.io.tmpdir=/tmp -Djna.tmpdir=/tmp";

    private GuestCommands() {
    }

    /**
     * The daemon's {@code java} command with the test classes first on its class path and no main class,
     * for experiments run in a guest: to be followed by a class name and its arguments.
     */
    static String testJava() {
        return timeslave().replace(" -cp ", " -cp " + Path.of("target/test-classes").toAbsolutePath() + ":")
                .replace(" timeslave.cli.Main", "");
    }

    /** {@code java ... timeslave.cli.Main}, to be followed by the daemon's arguments. */
    static String timeslave() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cp = new ArrayList<>();
        // scripts/bench-real-kernel runs a snapshot, so a rebuild meanwhile cannot change what the guest runs.
        cp.add(Path.of(System.getProperty("timeslave.uml.classes", "target/classes")).toAbsolutePath().toString());
        for (Class<?> c : List.of(com.sun.jna.Native.class, org.apache.commons.cli.Option.class,
                com.fazecast.jSerialComm.SerialPort.class)) {
            try {
                cp.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException(e);
            }
        }
        // -Dtimeslave.uml.guest-jvm-opts=A@B adds JVM options A and B to the daemon's in the guest (A/B experiments).
        String extra = System.getProperty("timeslave.uml.guest-jvm-opts", "").replace('@', ' ');
        return java + " " + JVM_FLAGS + (extra.isEmpty() ? "" : " " + extra) + " -cp " + String.join(":", cp) + " timeslave.cli.Main";
    }

    /** adjtimex(8), wherever .ci/install-deps put it; skips the test if it is nowhere. */
    static String adjtimex() {
        for (String p : List.of(ExternalServer.ADJTIMEX, ExternalServer.program("/usr/sbin/adjtimex"), "/usr/sbin/adjtimex", "/sbin/adjtimex")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        Assumptions.abort("adjtimex(8) not installed (package adjtimex, .ci/install-deps): cannot read the guest kernel's state");
        return null;
    }

    /** A background loop appending one kernel-state line a second to {@code file}; its PID in $KSTATE. */
    static String kernelStateLoop(String file) {
        String a = adjtimex();
        return "( while :; do " + a + " -p | tr -s ' \\n' ' '; echo; sleep 1; done ) >> " + file + " 2>&1 &\nKSTATE=$!\n";
    }

    /** One {@code adjtimex -p} record. */
    record KernelState(long freqScaled, long maxErrorMicros, long estErrorMicros, int status, long offset,
                       long tick, double guestSeconds, String line) {
        static final int STA_INS = 0x10;
        static final int STA_UNSYNC = 0x40;

        double freqPpm() {
            return freqScaled / 65536.0;
        }

        boolean unsync() {
            return (status & STA_UNSYNC) != 0;
        }
    }

    private static final Pattern FIELD = Pattern.compile("([a-z_ ]+?):\\s+(-?\\d+)");
    private static final Pattern RAW = Pattern.compile("raw time:\\s+\\d+s \\d+[un]s = (\\d+\\.\\d+)");

    /** The records in {@code text}, one a line; lines that are not complete records are skipped. */
    static List<KernelState> parse(String text) {
        List<KernelState> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher raw = RAW.matcher(line);
            if (!raw.find()) {
                continue;
            }
            java.util.Map<String, Long> f = new java.util.HashMap<>();
            Matcher m = FIELD.matcher(line);
            while (m.find()) {
                f.putIfAbsent(m.group(1).strip(), Long.parseLong(m.group(2)));
            }
            if (!f.keySet().containsAll(List.of("frequency", "maxerror", "esterror", "status", "offset", "tick"))) {
                continue;
            }
            out.add(new KernelState(f.get("frequency"), f.get("maxerror"), f.get("esterror"), f.get("status").intValue(),
                    f.get("offset"), f.get("tick"), Double.parseDouble(raw.group(1)), line.strip()));
        }
        return out;
    }
}
