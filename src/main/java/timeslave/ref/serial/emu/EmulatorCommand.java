package timeslave.ref.serial.emu;

import java.io.PrintStream;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import timeslave.ref.serial.JSerialCommLine;
import timeslave.ref.serial.ReceiverType;

/**
 * The command line of {@code bin/timeslave-receiver-emu}: parses the options into a
 * {@link ReceiverEmulator} and runs it until killed. Exit 100 on a usage error (as clockspeed).
 */
public final class EmulatorCommand {
    private EmulatorCommand() {
    }

    static final int EXIT_USAGE = 100;

    static Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("type").hasArg().argName("TT600|PST_WWV|TRC_WWV")
                .desc("receiver to emulate (required)").get());
        o.addOption(Option.builder().longOpt("tty").hasArg().argName("PATH")
                .desc("tty to answer on, e.g. one end of a socat pty pair (required)").get());
        o.addOption(Option.builder().longOpt("offset").hasArg().argName("SECONDS")
                .desc("receiver minus host clock, seconds (default 0)").get());
        o.addOption(Option.builder().longOpt("start").hasArg().argName("ISO-8601")
                .desc("receiver time at start-up instead of host time + offset, e.g. 2016-12-31T23:59:50Z").get());
        o.addOption(Option.builder().longOpt("drift-ppm").hasArg().argName("PPM")
                .desc("receiver rate error, ppm, + = fast (default 0)").get());
        o.addOption(Option.builder().longOpt("glitch-rate").hasArg().argName("P")
                .desc("probability that a time reply is noise, truncated or missing (default 0)").get());
        o.addOption(Option.builder().longOpt("fault").hasArg().argName("KIND")
                .desc("always misbehave: silent, noise, truncate, bad-status, no-time, fault-bits").get());
        o.addOption(Option.builder().longOpt("year-switch").hasArg().argName("N")
                .desc("PST year switches 0-15 (year 1986+N, repeating every 16; default: the right year)").get());
        o.addOption(Option.builder().longOpt("leap").desc("insert a leap second at the end of the receiver's current UTC day").get());
        o.addOption(Option.builder().longOpt("seed").hasArg().argName("N").desc("random seed for glitches (default 1)").get());
        o.addOption(Option.builder("v").longOpt("verbose").desc("say what happens on stderr").get());
        o.addOption(Option.builder("h").longOpt("help").desc("this text").get());
        return o;
    }

    public static void main(String[] args) {
        ReceiverEmulator emu;
        try {
            emu = parse(args, System.err);
        } catch (IllegalArgumentException | ParseException e) {
            System.err.println("timeslave-receiver-emu: " + e.getMessage());
            usage(System.err);
            System.exit(EXIT_USAGE);
            return;
        }
        if (emu == null) {
            usage(System.out);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(emu::stop));
        emu.run();
    }

    /** Builds the emulator from arguments; null for --help. */
    static ReceiverEmulator parse(String[] args, PrintStream events) throws ParseException {
        CommandLine cl = new DefaultParser().parse(options(), args);
        if (cl.hasOption("help")) {
            return null;
        }
        if (!cl.getArgList().isEmpty()) {
            throw new IllegalArgumentException("unexpected argument " + cl.getArgList().get(0));
        }
        String typeName = require(cl, "type");
        ReceiverType type = ReceiverType.parse(typeName)
                .orElseThrow(() -> new IllegalArgumentException("unknown --type " + typeName));
        String tty = require(cl, "tty");
        double offsetSeconds = number(cl, "offset", 0);
        double driftPpm = number(cl, "drift-ppm", 0);
        double glitch = number(cl, "glitch-rate", 0);
        if (glitch < 0 || glitch > 1) {
            throw new IllegalArgumentException("--glitch-rate must be between 0 and 1");
        }
        Integer yearSwitch = null;
        if (cl.hasOption("year-switch")) {
            yearSwitch = (int) number(cl, "year-switch", 0);
            if (yearSwitch < 0 || yearSwitch > 15) {
                throw new IllegalArgumentException("--year-switch must be 0-15");
            }
        }
        long seed = (long) number(cl, "seed", 1);
        HostTimeSource time = new HostTimeSource();
        long mono = time.monotonicNanos();
        long real = time.realtimeNanos();
        long start = real + Math.round(offsetSeconds * 1e9);
        if (cl.hasOption("start")) {
            try {
                start = ReceiverClock.nanos(Instant.parse(cl.getOptionValue("start")));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("--start: " + e.getMessage());
            }
        }
        long leap = cl.hasOption("leap") ? ReceiverClock.nextMidnightNanos(start) : Long.MAX_VALUE;
        boolean verbose = cl.hasOption("verbose");
        ReceiverEmulator emu = new ReceiverEmulator(type, tty, new ReceiverClock(mono, start, driftPpm, leap),
                JSerialCommLine.opener(time), time, seed, glitch, yearSwitch,
                verbose ? s -> events.println("timeslave-receiver-emu: " + s) : s -> { });
        if (cl.hasOption("fault")) {
            try {
                emu.setFault(Fault.parse(cl.getOptionValue("fault")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown --fault " + cl.getOptionValue("fault"));
            }
        }
        return emu;
    }

    private static String require(CommandLine cl, String name) {
        String v = cl.getOptionValue(name);
        if (v == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return v;
    }

    private static double number(CommandLine cl, String name, double dflt) {
        String v = cl.getOptionValue(name);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + ": not a number: " + v);
        }
    }

    static void usage(PrintStream out) {
        out.println("usage: timeslave-receiver-emu --type TT600|PST_WWV|TRC_WWV --tty PATH [--offset S] [--start ISO]"
                + " [--drift-ppm X] [--glitch-rate P] [--fault KIND] [--year-switch N] [--leap] [--seed N] [-v]");
    }
}
