package timeslave.ref.serial;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import timeslave.time.Sample;
import timeslave.time.MeasurementException;
import timeslave.ref.serial.emu.Fault;
import timeslave.ref.serial.emu.HostTimeSource;
import timeslave.ref.serial.emu.ReceiverClock;
import timeslave.ref.serial.emu.ReceiverEmulator;
import timeslave.ref.ListLog;

/**
 * Re-records test-fixtures/serial: each scenario runs the reference against the emulator on a
 * socat pty pair, writes the dialogue down with {@link RecordingLine}, and keeps it only if both
 * the live measurement and its replay meet the scenario's expectations. Off unless asked:
 * {@code mvn -o test -Dtest=SerialFixtureRecorder -Dtimeslave.record=true}; add
 * {@code -Dtimeslave.record.only=NAME,NAME} to re-record only those.
 */
class SerialFixtureRecorder {

    static final int TRIES = 6;

    @TempDir
    Path dir;

    /** How one fixture is made and what it must show. */
    record Scenario(String name, ReceiverType type, double offsetSeconds, String start, boolean leap, Fault fault,
                    Integer yearSwitch, String[] settings, Integer forcedYear, List<String> expects, String what) {
    }

    static List<Scenario> scenarios() {
        int y = Instant.now().atZone(java.time.ZoneOffset.UTC).getYear();
        String off = "expect-offset-ms: -750 2";
        String tt = "TT600";
        List<Scenario> l = new ArrayList<>();
        l.add(new Scenario("pst-good", ReceiverType.PST_WWV, -0.75, null, false, Fault.NONE, null, null, null,
                List.of(off), "good QA0000 replies, receiver 0.750 s behind"));
        l.add(new Scenario("trc-good", ReceiverType.TRC_WWV, -0.75, null, false, Fault.NONE, null, null, null,
                List.of(off), "the same protocol under the Traconex name"));
        l.add(new Scenario("pst-truncated", ReceiverType.PST_WWV, -0.75, null, false, Fault.TRUNCATE, null, null, null,
                List.of("expect-error: BAD_REPLY receiver TTY answers garbage: truncated reply (6 of 13 bytes)"),
                "every reply stops after 6 of 13 bytes"));
        l.add(new Scenario("pst-bad-status", ReceiverType.PST_WWV, -0.75, null, false, Fault.BAD_STATUS, null, null,
                null, List.of("expect-error: BAD_REPLY receiver TTY answers garbage: bad status byte 0x41"),
                "status byte 0x41"));
        l.add(new Scenario("pst-no-time", ReceiverType.PST_WWV, -0.75, null, false, Fault.NO_TIME, null, null, null,
                List.of("expect-error: BAD_REPLY receiver TTY reports no time available (status 0x00)"),
                "status 0x00: no time available"));
        l.add(new Scenario("pst-fault-bits", ReceiverType.PST_WWV, -0.75, null, false, Fault.FAULT_BITS, null, null,
                null, List.of("expect-error: BAD_REPLY receiver TTY reports a fault (status 0x09: signal fault)"),
                "status 0x09: signal fault"));
        l.add(new Scenario("pst-noise", ReceiverType.PST_WWV, -0.75, null, false, Fault.NOISE, null, null, null,
                List.of("expect-error: BAD_REPLY receiver TTY answers garbage: "), "random bytes instead of replies"));
        l.add(new Scenario("pst-silent", ReceiverType.PST_WWV, -0.75, null, false, Fault.SILENT, null, null, null,
                List.of("expect-error: UNREACHABLE receiver TTY not answering"), "no reply at all"));
        l.add(new Scenario("pst-wrong-year", ReceiverType.PST_WWV, -0.75, null, false, Fault.NONE,
                PstQa.switchCode(y + 1), null, null,
                List.of("expect-error: BAD_REPLY receiver TTY says the year is " + (y + 1) + " but the local clock says "
                        + y), "year switches set one year ahead, no -y"));
        l.add(new Scenario("pst-wrong-year-forced", ReceiverType.PST_WWV, -0.75, null, false, Fault.NONE,
                PstQa.switchCode(y + 1), null, y,
                List.of(off, "expect-log: WARNING receiver TTY says the year is " + (y + 1) + "; using " + y),
                "year switches one year ahead, -y " + y));
        l.add(new Scenario("pst-leap-second", ReceiverType.PST_WWV, 0, "2016-12-31T23:59:59.950Z", true, Fault.NONE,
                null, null, 2016,
                List.of("expect-receiver-utc: 2016-12-31T23:59:59.250Z 300",
                        "expect-log: NOTICE receiver TTY reports leap second 23:59:60 of day 366 of 2016"),
                "receiver inside the leap second of 2016-12-31, -y 2016"));
        l.add(new Scenario("tt600-good", ReceiverType.TT600, -0.75, null, false, Fault.NONE, null, null, null,
                List.of(off), "good dialogue, clock already in UTC/24 h/null format"));
        l.add(new Scenario("tt600-settings", ReceiverType.TT600, -0.75, null, false, Fault.NONE, null,
                new String[] {"LOCAL", "12", "x"}, null,
                List.of(off, "expect-log: WARNING receiver TTY said \"F69 LOCAL   \\r\\n\" instead of \"F69 UTC     \\r\\n\"; setting it",
                        "expect-log: WARNING receiver TTY said \"F02 12\\r\\n\" instead of \"F02 24\\r\\n\"; setting it",
                        "expect-log: WARNING receiver TTY said \"F11 x\\r\\n\" instead of \"F11 \\r\\n\"; setting it"),
                "clock left in LOCAL, 12 h, format x: each is set back"));
        l.add(new Scenario("tt600-truncated", ReceiverType.TT600, -0.75, null, false, Fault.TRUNCATE, null, null, null,
                List.of("expect-error: BAD_REPLY receiver TTY answers garbage: truncated reply (10 of 20 bytes)"),
                "time replies stop after 10 of 20 bytes"));
        l.add(new Scenario("tt600-bad-frame", ReceiverType.TT600, -0.75, null, false, Fault.BAD_STATUS, null, null, null,
                List.of("expect-error: BAD_REPLY receiver TTY answers garbage: not a DDD:HH:MM:SS.mmmQ time"),
                "SOH replaced by 'X'"));
        l.add(new Scenario("tt600-no-reference", ReceiverType.TT600, -0.75, null, false, Fault.NO_TIME, null, null, null,
                List.of("expect-error: BAD_REPLY receiver TTY has no reference (quality '?')"), "quality '?'"));
        l.add(new Scenario("tt600-noise", ReceiverType.TT600, -0.75, null, false, Fault.NOISE, null, null, null,
                List.of("expect-error: BAD_REPLY receiver TTY answers garbage: "), "random bytes instead of every reply"));
        l.add(new Scenario("tt600-silent", ReceiverType.TT600, -0.75, null, false, Fault.SILENT, null, null, null,
                List.of("expect-error: UNREACHABLE receiver TTY not answering"), "no reply at all"));
        l.add(new Scenario("tt600-old-year", ReceiverType.TT600, 0, "1995-06-01T12:00:00Z", false, Fault.NONE, null,
                null, null, List.of("expect-error: BAD_REPLY receiver TTY answers garbage: year 1995 before 1997"),
                "F68 says 1995"));
        l.add(new Scenario("tt600-leap-second", ReceiverType.TT600, 0, "2016-12-31T23:59:59.880Z", true, Fault.NONE,
                null, null, null,
                List.of("expect-receiver-utc: 2016-12-31T23:59:59.500Z 500",
                        "expect-log: NOTICE receiver TTY reports leap second 23:59:60 of day 366 of 2016"),
                "clock inside the leap second of 2016-12-31"));
        l.add(new Scenario("tt600-new-year", ReceiverType.TT600, 0, y + "-12-31T23:59:59.860Z", false, Fault.NONE, null,
                null, null, List.of("expect-receiver-utc: " + (y + 1) + "-01-01T00:00:00.150Z 150"),
                "F68 read just before midnight says " + y + ", the time just after midnight belongs to " + (y + 1)));
        return l;
    }

    @Test
    void record() throws Exception {
        assumeTrue(Boolean.getBoolean("timeslave.record"), "set -Dtimeslave.record=true to re-record fixtures");
        SocatPty.assumeSocat();
        Path out = SerialFixtureTest.DIR;
        Files.createDirectories(out);
        List<String> failed = new ArrayList<>();
        String only = System.getProperty("timeslave.record.only", "");
        for (Scenario sc : scenarios()) {
            if (!only.isEmpty() && !java.util.Arrays.asList(only.split(",")).contains(sc.name())) {
                continue;
            }
            String text = null;
            Throwable last = null;
            for (int t = 0; t < TRIES && text == null; t++) {
                try {
                    text = recordOnce(sc);
                } catch (Throwable e) {
                    last = e;
                }
            }
            if (text == null) {
                failed.add(sc.name() + ": " + last);
                continue;
            }
            Files.writeString(out.resolve(sc.name() + ".dialogue"), text);
            System.out.println("recorded " + sc.name());
        }
        if (!failed.isEmpty()) {
            throw new AssertionError("not recorded: " + failed);
        }
    }

    private String recordOnce(Scenario sc) throws Exception {
        HostTimeSource time = new HostTimeSource();
        Path d = Files.createTempDirectory(dir, sc.name());
        try (SocatPty pty = new SocatPty(d).start()) {
            long start = sc.start() == null ? time.realtimeNanos() + Math.round(sc.offsetSeconds() * 1e9)
                    : ReceiverClock.nanos(Instant.parse(sc.start()));
            ReceiverClock clock = new ReceiverClock(time.monotonicNanos(), start, 0,
                    sc.leap() ? ReceiverClock.nextMidnightNanos(start) : Long.MAX_VALUE);
            ReceiverEmulator emu = new ReceiverEmulator(sc.type(), pty.receiver.toString(), clock,
                    JSerialCommLine.opener(time), time, 1, 0, sc.yearSwitch(), s -> { });
            emu.setFault(sc.fault());
            if (sc.settings() != null) {
                emu.setTt600Settings(sc.settings()[0], sc.settings()[1], sc.settings()[2]);
            }
            emu.start();
            try {
                if (!emu.awaitConnected(5_000)) {
                    throw new AssertionError("emulator did not open its tty");
                }
                if (sc.start() != null) {
                    // the receiver clock started when it was made; re-anchor it now the tty is open
                    clock = new ReceiverClock(time.monotonicNanos(), start, 0, clock.leapAtNanos());
                    emu.stop();
                    emu = new ReceiverEmulator(sc.type(), pty.receiver.toString(), clock, JSerialCommLine.opener(time),
                            time, 1, 0, sc.yearSwitch(), s -> { });
                    emu.setFault(sc.fault());
                    emu.start();
                    emu.awaitConnected(5_000);
                }
                List<RecordingLine> made = new ArrayList<>();
                StringBuilder h = new StringBuilder();
                h.append("# fixture: ").append(sc.name()).append('\n');
                h.append("# type: ").append(sc.type()).append('\n');
                h.append("# what: ").append(sc.what()).append('\n');
                h.append("# made: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                        .append(" by SerialFixtureRecorder: the reference talking to ReceiverEmulator over a socat pty"
                                + " pair on this host; no real receiver\n");
                h.append("# emulator: offset=").append(sc.offsetSeconds()).append(" start=").append(sc.start())
                        .append(" leap=").append(sc.leap()).append(" fault=").append(sc.fault())
                        .append(" year-switch=").append(sc.yearSwitch()).append('\n');
                if (sc.forcedYear() != null) {
                    h.append("# forced-year: ").append(sc.forcedYear()).append('\n');
                }
                for (String e : sc.expects()) {
                    h.append("# ").append(e).append('\n');
                }
                Dialogue header = Dialogue.parse(h.toString(), sc.name());
                ListLog liveLog = new ListLog(0);
                SerialLine.Opener recording = RecordingLine.opener(JSerialCommLine.opener(time), time, made);
                String hostTty = pty.host.toString();
                SerialReference ref = SerialFixtureTest.reference(header, p -> recording.open(hostTty), time, liveLog);
                Sample s = null;
                MeasurementException ex = null;
                try {
                    s = ref.measure();
                } catch (MeasurementException e) {
                    ex = e;
                }
                ref.close();
                SerialFixtureTest.check(header, s, ex, liveLog, SerialFixtureTest.TTY);
                RecordingLine rec = made.get(0);
                h.append("# local-start-ns: ").append(rec.firstWriteReal).append('\n');
                for (String line : rec.lines) {
                    h.append(line).append('\n');
                }
                String text = h.toString();
                Dialogue replayed = Dialogue.parse(text, sc.name());
                ScriptedLine.FakeTime ft = new ScriptedLine.FakeTime(rec.firstWriteReal);
                ScriptedLine sl = new ScriptedLine(replayed, ft);
                ListLog replayLog = new ListLog(0);
                SerialReference r2 = SerialFixtureTest.reference(replayed, p -> sl, ft, replayLog);
                Sample s2 = null;
                MeasurementException ex2 = null;
                try {
                    s2 = r2.measure();
                } catch (MeasurementException e) {
                    ex2 = e;
                }
                SerialFixtureTest.check(replayed, s2, ex2, replayLog, SerialFixtureTest.TTY);
                return text;
            } finally {
                emu.stop();
            }
        }
    }
}
