package timeslave.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import timeslave.core.Status;

class StatusReportTest {

    @Test
    void trackingTextNamesEveryPartLikeChronyc() {
        String t = StatusReport.tracking(Snapshots.synced(), StatusReport.Format.TEXT);
        assertTrue(t.contains("Reference            : sntp:127.0.0.1:123,sntp:b\n"), t);
        assertTrue(t.contains("Synchronised         : yes\n"), t);
        assertTrue(t.contains("Last offset          : -0.000012345 seconds\n"), t);
        assertTrue(t.contains("Frequency (timetrim) : +12.345 ppm (12345 ns/s"), t);
        assertTrue(t.contains("Error bound          : 0.000025000 seconds\n"), t);
        assertTrue(t.contains("offset lies in     : [-0.000025000, +0.000015000] seconds"), t);
        assertTrue(t.contains("Update interval      : 64.0 seconds\n"), t);
        assertTrue(t.contains("Rejected samples     : spike 2, drift 1, bound 0, jump 0, leap_window 0\n"), t);
        assertTrue(t.contains("Last update (UTC)    : 2026-05-28T20:26:40.500Z (0.5 s ago)"), t);
    }

    @Test
    void csvFieldsAreInTheDocumentedOrderWithBaseUnits() {
        String line = StatusReport.tracking(Snapshots.synced(), StatusReport.Format.CSV).strip();
        assertTrue(line.startsWith("\"sntp:127.0.0.1:123,sntp:b\","), "a comma in a value is quoted: " + line);
        String[] f = Ctl.csvFields(line).toArray(new String[0]);
        assertEquals("sntp:127.0.0.1:123,sntp:b", f[0]);
        assertEquals("true", f[Ctl.CSV_SYNCHRONISED]);
        assertEquals("0.000025", f[Ctl.CSV_ERROR_BOUND], "waitsync reads the error bound here");
        assertEquals("1780000000.5", f[3]);
        assertEquals("-0.000012345", f[4]);
        assertEquals("12.3454", f[7]);
        assertEquals(19 + Status.REJECT_REASONS.size() + 5, f.length);
        assertEquals(List.of("", "", "", "", ""), List.of(f).subList(f.length - 5, f.length),
                "stratum to serving_ntp, last and empty when the served header is unknown");
    }

    /** Issue 12: stratum, reference ID, root delay and dispersion as served (or as --serve-ntp would). */
    @Test
    void trackingShowsTheServedHeaderInEveryForm() {
        Served ntp = new Served(true, 0, 3, 0x7F000001, 0, 3 / 65536.0);
        String t = StatusReport.tracking(Snapshots.synced(), ntp, StatusReport.Format.TEXT);
        assertTrue(t.contains("Stratum              : 3\n"), t);
        assertTrue(t.contains("Reference ID         : 7F000001 (127.0.0.1)\n"), t);
        assertTrue(t.contains("Root delay           : 0.000000000 seconds\n"), t);
        assertTrue(t.contains("Root dispersion      : 0.000045776 seconds\n"), t);
        assertTrue(t.contains("Serving NTP          : yes\n"), t);
        String[] f = Ctl.csvFields(StatusReport.tracking(Snapshots.synced(), ntp, StatusReport.Format.CSV).strip())
                .toArray(new String[0]);
        assertEquals(List.of("3", "7F000001", "0", "0.0000457763671875", "true"),
                List.of(f).subList(f.length - 5, f.length));
        String j = StatusReport.tracking(Snapshots.synced(), ntp, StatusReport.Format.JSON);
        assertTrue(j.contains(",\"stratum\":3,\"reference_id\":\"7F000001\",\"root_delay_seconds\":0,"
                + "\"root_dispersion_seconds\":0.0000457763671875,\"serving_ntp\":true}"), j);

        Served receiver = new Served(false, 3, 16, NtpLetters.GPS, 0, 16);
        String r = StatusReport.tracking(Snapshots.starting(), receiver, StatusReport.Format.TEXT);
        assertTrue(r.contains("Stratum              : 16 (unsynchronised)\n"), r);
        assertTrue(r.contains("Reference ID         : 47505300 (GPS)\n"), r);
        assertTrue(r.contains("Serving NTP          : no (stratum to root dispersion: what --serve-ntp would send)\n"), r);
    }

    /** "GPS" as a reference ID: the letters, NUL-padded, big-endian. */
    private static final class NtpLetters {
        static final int GPS = 'G' << 24 | 'P' << 16 | 'S' << 8;
    }

    @Test
    void unknownValuesAreEmptyInCsvAndNullInJson() {
        String csv = StatusReport.tracking(Snapshots.starting(), StatusReport.Format.CSV).strip();
        String[] f = Ctl.csvFields(csv).toArray(new String[0]);
        assertEquals("false", f[Ctl.CSV_SYNCHRONISED]);
        assertEquals("", f[Ctl.CSV_ERROR_BOUND], "an unknown (infinite) bound is empty, not Infinity");
        String json = StatusReport.tracking(Snapshots.starting(), StatusReport.Format.JSON);
        assertTrue(json.contains("\"error_bound_seconds\":null"), json);
        assertTrue(json.contains("\"last_offset_seconds\":null"), json);
        assertTrue(json.contains("\"synchronised\":false"), json);
        String text = StatusReport.tracking(Snapshots.starting(), StatusReport.Format.TEXT);
        assertTrue(text.contains("Error bound          : unknown"), text);
        assertTrue(text.contains("Last update (UTC)    : never"), text);
    }

    @Test
    void sourcesShowStateReachInOctalAndWhyAMasterWasLeftOut() {
        String t = StatusReport.sources(Snapshots.synced(), StatusReport.Format.TEXT);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("*  sntp:127.0.0.1:123") && l.contains(" 376 selected")
                && l.contains("-0.000012345")), t);
        assertTrue(t.lines().anyMatch(l -> l.startsWith("x  sntp:b") && l.contains("falseticker") && l.contains("+0.005000000")), t);
        String json = StatusReport.sources(Snapshots.synced(), StatusReport.Format.JSON);
        assertTrue(json.startsWith("[{\"name\":\"sntp:127.0.0.1:123\",\"state\":\"selected\",\"reach\":254,"), json);
        assertTrue(json.contains("\"falsetickers\":3"), json);
        assertEquals(2, StatusReport.sources(Snapshots.synced(), StatusReport.Format.CSV).lines().count());
    }

    @Test
    void jsonStringsAreEscaped() {
        assertEquals("\"a\\\"b\\\\c\\n\\u0001\"", StatusReport.jsonString("a\"b\\c\n\u0001"));
    }

    @Test
    void serverStatsListTheCounters() {
        ServerStats stats = () -> java.util.List.of(new ServerStats.Counter("requests", "Requests received", 10),
                new ServerStats.Counter("rate_limited", "Requests refused by the rate limit", 2));
        assertEquals("requests,rate_limited\n".replace("requests,rate_limited", "10,2"),
                StatusReport.serverStats(stats, StatusReport.Format.CSV));
        assertEquals("{\"requests\":10,\"rate_limited\":2}\n", StatusReport.serverStats(stats, StatusReport.Format.JSON));
        assertEquals("no server is running\n", StatusReport.serverStats(ServerStats.NONE, StatusReport.Format.TEXT));
    }
}
