package timeslave.control;

import java.util.Locale;

/**
 * What the daemon serves in an NTP reply's header now, or would serve were --serve-ntp given: leap
 * indicator, stratum, reference ID, root delay and root dispersion (RFC 5905 §7.3), for {@code
 * timeslave-ctl tracking} and the metrics.
 *
 * @param serving             an NTP server is listening (false: the values a server would send)
 * @param leap                the leap indicator (3: unsynchronised)
 * @param stratum             1..15, or 16 while unsynchronised
 * @param referenceId         the reference ID, 32 bits
 * @param rootDelaySeconds    root delay, s, as the header carries it (units of 2^-16 s)
 * @param rootDispersionSeconds root dispersion, s, as the header carries it
 */
public record Served(boolean serving, int leap, int stratum, int referenceId, double rootDelaySeconds,
                     double rootDispersionSeconds) {

    /** The reference ID in hex, then as letters (a receiver's "GPS") or as an IPv4 address, as chronyc shows it. */
    public String referenceIdText() {
        String hex = String.format(Locale.ROOT, "%08X", referenceId);
        if (referenceId == 0) {
            return hex;
        }
        StringBuilder letters = new StringBuilder();
        boolean ascii = true;
        boolean ended = false;
        for (int shift = 24; shift >= 0; shift -= 8) {
            int c = (referenceId >>> shift) & 0xFF;
            if (c == 0) {
                ended = true;
            } else if (ended || !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9')) {
                ascii = false;
            } else {
                letters.append((char) c);
            }
        }
        if (ascii && letters.length() >= 2) {
            return hex + " (" + letters + ")";
        }
        return hex + " (" + (referenceId >>> 24) + "." + (referenceId >>> 16 & 0xFF) + "."
                + (referenceId >>> 8 & 0xFF) + "." + (referenceId & 0xFF) + ")";
    }
}
