package timeslave.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LeapSecondsTest {
    /** The data lines up to 1 Jul 2015 (36 s), as in the 2015 file of PROTOCOLS.md §7.2's hash example. */
    private static final List<String> DATA_2015 = List.of(
            "2272060800 10 # 1 Jan 1972", "2287785600 11 # 1 Jul 1972", "2303683200 12 # 1 Jan 1973",
            "2335219200 13 # 1 Jan 1974", "2366755200 14 # 1 Jan 1975", "2398291200 15 # 1 Jan 1976",
            "2429913600 16 # 1 Jan 1977", "2461449600 17 # 1 Jan 1978", "2492985600 18 # 1 Jan 1979",
            "2524521600 19 # 1 Jan 1980", "2571782400 20 # 1 Jul 1981", "2603318400 21 # 1 Jul 1982",
            "2634854400 22 # 1 Jul 1983", "2698012800 23 # 1 Jul 1985", "2776982400 24 # 1 Jan 1988",
            "2840140800 25 # 1 Jan 1990", "2871676800 26 # 1 Jan 1991", "2918937600 27 # 1 Jul 1992",
            "2950473600 28 # 1 Jul 1993", "2982009600 29 # 1 Jul 1994", "3029443200 30 # 1 Jan 1996",
            "3076704000 31 # 1 Jul 1997", "3124137600 32 # 1 Jan 1999", "3345062400 33 # 1 Jan 2006",
            "3439756800 34 # 1 Jan 2009", "3550089600 35 # 1 Jul 2012", "3644697600 36 # 1 Jul 2015");

    private static List<String> file2015(String hashLine) {
        List<String> lines = new ArrayList<>();
        lines.add("#\tcomment line");
        lines.add("#$\t 3629404800");
        lines.add("#@\t3691872000");
        lines.add("");
        lines.add("#NTP Time      DTAI    Day Month Year");
        lines.addAll(DATA_2015);
        lines.add(hashLine);
        return lines;
    }

    @Test
    void protocolsHashExampleVerifiesWithWordsWithoutLeadingZeros() throws Exception {
        LeapSeconds ls = LeapSeconds.parse(file2015("#h\tafc03691 8ff53838 42080ba1 cdd22f1 48192c10"));
        assertEquals(27, ls.entries().size());
        assertEquals(3691872000L - Epochs.SECONDS_1900_TO_1970, ls.expiresPosixSeconds());
    }

    @Test
    void hashWordsCompareNumericallyNotAsText() throws Exception {
        LeapSeconds.parse(file2015("#h afc03691 8ff53838 42080ba1 0cdd22f1 48192c10"));
    }

    @Test
    void tamperedDataOrHashIsRefused() {
        List<String> tampered = file2015("#h afc03691 8ff53838 42080ba1 cdd22f1 48192c10");
        tampered.set(tampered.indexOf("3644697600 36 # 1 Jul 2015"), "3644697601 36 # 1 Jul 2015");
        var e = assertThrows(LeapSeconds.FormatException.class, () -> LeapSeconds.parse(tampered));
        assertTrue(e.getMessage().startsWith("SHA-1 mismatch"), e.getMessage());
        assertThrows(LeapSeconds.FormatException.class,
                () -> LeapSeconds.parse(file2015("#h afc03691 8ff53838 42080ba1 cdd22f1 48192c11")));
    }

    @Test
    void missingHashExpiryOrMalformedLinesAreRefused() {
        List<String> noHash = file2015("#");
        assertTrue(assertThrows(LeapSeconds.FormatException.class, () -> LeapSeconds.parse(noHash))
                .getMessage().contains("#h"));
        List<String> noExpiry = file2015("#h afc03691 8ff53838 42080ba1 cdd22f1 48192c10");
        noExpiry.remove("#@\t3691872000");
        assertTrue(assertThrows(LeapSeconds.FormatException.class, () -> LeapSeconds.parse(noExpiry))
                .getMessage().contains("#@"));
        List<String> garbage = file2015("#h afc03691 8ff53838 42080ba1 cdd22f1 48192c10");
        garbage.add(7, "2300000000 x12");
        assertTrue(assertThrows(LeapSeconds.FormatException.class, () -> LeapSeconds.parse(garbage))
                .getMessage().startsWith("line 8"));
        List<String> jump = new ArrayList<>(List.of("#$ 1", "#@ 2", "2272060800 10", "2287785600 12", "#h 0 0 0 0 0"));
        assertTrue(assertThrows(LeapSeconds.FormatException.class, () -> LeapSeconds.parse(jump))
                .getMessage().contains("changes by 2"));
    }

    @Test
    void shippedFileVerifiesAndGives37SecondsToday() throws Exception {
        LeapSeconds ls = LeapSeconds.load(Path.of("etc/leap-seconds.list"));
        long y2024 = Instant.parse("2024-01-01T00:00:00Z").getEpochSecond();
        assertEquals(OptionalInt.of(37), ls.taiMinusUtcSeconds(y2024));
        long jan2017 = Instant.parse("2017-01-01T00:00:00Z").getEpochSecond();
        assertEquals(OptionalInt.of(36), ls.taiMinusUtcSeconds(jan2017 - 1));
        assertEquals(OptionalInt.of(37), ls.taiMinusUtcSeconds(jan2017));
        assertEquals(OptionalInt.of(26), ls.taiMinusUtcSeconds(Instant.parse("1992-06-02T08:06:43Z").getEpochSecond()));
        assertEquals(OptionalInt.empty(), ls.taiMinusUtcSeconds(0));
        assertEquals(Instant.parse("2026-07-06T00:00:00Z").getEpochSecond(), ls.lastUpdatePosixSeconds(),
                "IERS Bulletin C 72 of 6 July 2026");
        assertEquals(Instant.parse("2027-06-28T00:00:00Z").getEpochSecond(), ls.expiresPosixSeconds(),
                "no leap second at the end of December 2026: the list is valid to 28 June 2027");
        assertEquals(OptionalInt.of(37), ls.taiMinusUtcSeconds(Instant.parse("2027-06-27T23:59:59Z").getEpochSecond()));
        assertFalse(ls.expiredAt(y2024));
        assertTrue(ls.expiredAt(ls.expiresPosixSeconds()));
    }
}
