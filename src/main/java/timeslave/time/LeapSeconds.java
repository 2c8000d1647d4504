package timeslave.time;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * A verified IETF/NIST {@code leap-seconds.list} (PROTOCOLS.md §7.2): TAI−UTC by date, with the
 * file's SHA-1 checked and its expiry date kept so callers can warn when it has run out.
 */
public final class LeapSeconds {

    /** One data line: from 00:00:00 UTC of {@code startPosixSeconds} on, TAI − UTC = {@code taiMinusUtcSeconds}. */
    public record Entry(long startPosixSeconds, int taiMinusUtcSeconds) {
    }

    /** The file is unusable; the message says which line and why. */
    public static final class FormatException extends Exception {
        public FormatException(String message) {
            super(message);
        }
    }

    /** Words in the #h line: SHA-1 is 160 bits = five 32-bit words. */
    private static final int HASH_WORDS = 5;

    private final long lastUpdatePosixSeconds;
    private final long expiresPosixSeconds;
    private final List<Entry> entries;

    private LeapSeconds(long lastUpdatePosixSeconds, long expiresPosixSeconds, List<Entry> entries) {
        this.lastUpdatePosixSeconds = lastUpdatePosixSeconds;
        this.expiresPosixSeconds = expiresPosixSeconds;
        this.entries = List.copyOf(entries);
    }

    /**
     * A table built from values rather than a file (the simulator's invented leap seconds); the same
     * order rule as {@link #parse}: dates ascending, TAI − UTC changing by one second at each.
     */
    public static LeapSeconds of(long lastUpdatePosixSeconds, long expiresPosixSeconds, List<Entry> entries) {
        for (int i = 1; i < entries.size(); i++) {
            Entry prev = entries.get(i - 1);
            Entry e = entries.get(i);
            if (e.startPosixSeconds <= prev.startPosixSeconds
                    || Math.abs(e.taiMinusUtcSeconds - prev.taiMinusUtcSeconds) != 1) {
                throw new IllegalArgumentException("entry " + i + " " + e + " does not follow " + prev
                        + " by one leap second");
            }
        }
        return new LeapSeconds(lastUpdatePosixSeconds, expiresPosixSeconds, entries);
    }

    /**
     * Reads and verifies a file; see {@link #parse}. For tests and tools: the daemon reads through
     * {@code os.LeapSecondsFile.read}, which caps the size and refuses FIFOs and devices.
     */
    public static LeapSeconds load(Path file) throws IOException, FormatException {
        return parse(Files.readAllLines(file, StandardCharsets.US_ASCII));
    }

    /**
     * Parses the text: {@code #$} last update, {@code #@} expiry, {@code #h} SHA-1, data lines
     * {@code <NTP seconds> <TAI−UTC> [# comment]}; other {@code #} lines are comments.
     * The hash is SHA-1 over the #$ value, the #@ value and each data line stripped of its comment
     * and all whitespace (PROTOCOLS.md §7.2); the #h words are compared numerically.
     *
     * @throws FormatException if a field is missing or malformed, the data are not ascending by
     *                         one-second steps, or the hash does not match
     */
    public static LeapSeconds parse(List<String> lines) throws FormatException {
        String updated = null;
        String expires = null;
        long[] hash = null;
        StringBuilder hashed = new StringBuilder();
        List<Entry> entries = new ArrayList<>();
        List<String> dataText = new ArrayList<>();
        int lineNo = 0;
        for (String raw : lines) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("#$")) {
                updated = onlyNumber(line.substring(2), lineNo, "#$");
            } else if (line.startsWith("#@")) {
                expires = onlyNumber(line.substring(2), lineNo, "#@");
            } else if (line.startsWith("#h")) {
                hash = hashWords(line.substring(2).strip(), lineNo);
            } else if (line.startsWith("#")) {
                continue;
            } else {
                int hashMark = line.indexOf('#');
                String data = (hashMark >= 0 ? line.substring(0, hashMark) : line).strip();
                String[] f = data.split("\\s+");
                if (f.length != 2) {
                    throw new FormatException("line " + lineNo + ": expected '<NTP seconds> <TAI-UTC>', got '" + raw + "'");
                }
                long ntp = number(f[0], lineNo);
                long dtai = number(f[1], lineNo);
                Entry e = new Entry(ntp - Epochs.SECONDS_1900_TO_1970, (int) dtai);
                if (!entries.isEmpty()) {
                    Entry prev = entries.get(entries.size() - 1);
                    if (e.startPosixSeconds <= prev.startPosixSeconds) {
                        throw new FormatException("line " + lineNo + ": dates not ascending");
                    }
                    if (Math.abs(e.taiMinusUtcSeconds - prev.taiMinusUtcSeconds) != 1) {
                        throw new FormatException("line " + lineNo + ": TAI-UTC changes by "
                                + (e.taiMinusUtcSeconds - prev.taiMinusUtcSeconds) + " s, not by one leap second");
                    }
                }
                entries.add(e);
                dataText.add(f[0] + f[1]);
            }
        }
        if (updated == null || expires == null) {
            throw new FormatException("no " + (updated == null ? "#$ (last update)" : "#@ (expiry)") + " line");
        }
        if (hash == null) {
            throw new FormatException("no #h (SHA-1) line");
        }
        if (entries.isEmpty()) {
            throw new FormatException("no data lines");
        }
        hashed.append(updated).append(expires);
        dataText.forEach(hashed::append);
        long[] actual = sha1Words(hashed.toString());
        for (int i = 0; i < HASH_WORDS; i++) {
            if (actual[i] != hash[i]) {
                throw new FormatException("SHA-1 mismatch: file says " + words(hash) + ", contents give " + words(actual));
            }
        }
        return new LeapSeconds(Long.parseLong(updated) - Epochs.SECONDS_1900_TO_1970,
                Long.parseLong(expires) - Epochs.SECONDS_1900_TO_1970, entries);
    }

    /** TAI − UTC at a POSIX second: the value of the last line starting at or before it; empty before 1972. */
    public OptionalInt taiMinusUtcSeconds(long posixSeconds) {
        OptionalInt result = OptionalInt.empty();
        for (Entry e : entries) {
            if (e.startPosixSeconds <= posixSeconds) {
                result = OptionalInt.of(e.taiMinusUtcSeconds);
            }
        }
        return result;
    }

    /** True once {@code posixSeconds} has reached the #@ expiry: a leap second may since have been announced. */
    public boolean expiredAt(long posixSeconds) {
        return posixSeconds >= expiresPosixSeconds;
    }

    public long lastUpdatePosixSeconds() {
        return lastUpdatePosixSeconds;
    }

    public long expiresPosixSeconds() {
        return expiresPosixSeconds;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The SHA-1 of {@code text} as five unsigned 32-bit words. */
    static long[] sha1Words(String text) {
        byte[] digest;
        try {
            digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform must provide SHA-1", e);
        }
        long[] w = new long[HASH_WORDS];
        for (int i = 0; i < HASH_WORDS; i++) {
            w[i] = Tai64.getU32(digest, 4 * i);
        }
        return w;
    }

    /** Words as the #h line prints them: lower-case hex without leading zeros. */
    static String words(long[] w) {
        StringBuilder sb = new StringBuilder();
        for (long x : w) {
            sb.append(sb.length() == 0 ? "" : " ").append(Long.toHexString(x));
        }
        return sb.toString();
    }

    private static long[] hashWords(String text, int lineNo) throws FormatException {
        String[] f = text.split("\\s+");
        if (f.length != HASH_WORDS) {
            throw new FormatException("line " + lineNo + ": #h needs " + HASH_WORDS + " hex words, got " + f.length);
        }
        long[] w = new long[HASH_WORDS];
        for (int i = 0; i < HASH_WORDS; i++) {
            try {
                w[i] = Long.parseLong(f[i], 16);
            } catch (NumberFormatException e) {
                throw new FormatException("line " + lineNo + ": #h word '" + f[i] + "' is not hex");
            }
            if (w[i] > 0xFFFF_FFFFL) {
                throw new FormatException("line " + lineNo + ": #h word '" + f[i] + "' exceeds 32 bits");
            }
        }
        return w;
    }

    private static String onlyNumber(String text, int lineNo, String what) throws FormatException {
        int hashMark = text.indexOf('#');
        String s = (hashMark >= 0 ? text.substring(0, hashMark) : text).strip();
        if (s.isEmpty()) {
            throw new FormatException("line " + lineNo + ": " + what + " has no value");
        }
        number(s, lineNo);
        return s;
    }

    private static long number(String s, int lineNo) throws FormatException {
        if (!s.matches("[0-9]{1,12}")) {
            throw new FormatException("line " + lineNo + ": '" + s + "' is not a decimal number");
        }
        return Long.parseLong(s);
    }
}
