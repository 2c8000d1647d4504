package timeslave.uml;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * A leap-seconds.list in NIST's format with the real table up to 2017 (TAI − UTC = 37 s) plus one
 * made-up insertion at a chosen midnight, and a correct #h SHA-1 (over the #$ and #@ values and each
 * data line without comment or blanks), so a guest can be given a leap second near its own date.
 */
final class LeapFile {
    /** 1 Jan 1972 … 1 Jan 2017, NTP seconds and TAI − UTC. */
    private static final long[][] REAL = {
            {2272060800L, 10}, {2287785600L, 11}, {2303683200L, 12}, {2335219200L, 13}, {2366755200L, 14},
            {2398291200L, 15}, {2429913600L, 16}, {2461449600L, 17}, {2492985600L, 18}, {2524521600L, 19},
            {2571782400L, 20}, {2603318400L, 21}, {2634854400L, 22}, {2698012800L, 23}, {2776982400L, 24},
            {2840140800L, 25}, {2871676800L, 26}, {2918937600L, 27}, {2950473600L, 28}, {2982009600L, 29},
            {3029443200L, 30}, {3076704000L, 31}, {3124137600L, 32}, {3345062400L, 33}, {3439756800L, 34},
            {3550089600L, 35}, {3644697600L, 36}, {3692217600L, 37}};
    static final long NTP_MINUS_POSIX_SECONDS = 2_208_988_800L;

    private LeapFile() {
    }

    /** The file's text with a leap second inserted at the end of the UTC day before {@code leapPosixSeconds} (a midnight). */
    static String withInsertionAt(long leapPosixSeconds) {
        long leapNtp = leapPosixSeconds + NTP_MINUS_POSIX_SECONDS;
        long updated = leapNtp - 180L * 86_400;
        long expires = leapNtp + 365L * 86_400;
        List<String> data = new ArrayList<>();
        for (long[] e : REAL) {
            data.add(e[0] + "\t" + e[1]);
        }
        data.add(leapNtp + "\t38\t# made up for a real-kernel test");
        StringBuilder hashed = new StringBuilder().append(updated).append(expires);
        for (String d : data) {
            hashed.append(d.replaceAll("#.*", "").replaceAll("\\s", ""));
        }
        byte[] sha;
        try {
            sha = MessageDigest.getInstance("SHA-1").digest(hashed.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder h = new StringBuilder("#h");
        for (int i = 0; i < 20; i += 4) {
            h.append(' ').append(String.format("%02x%02x%02x%02x", sha[i], sha[i + 1], sha[i + 2], sha[i + 3]));
        }
        return "# leap seconds for a timeslave real-kernel test\n#$\t" + updated + "\n#@\t" + expires + "\n"
                + String.join("\n", data) + "\n" + h + "\n";
    }
}
