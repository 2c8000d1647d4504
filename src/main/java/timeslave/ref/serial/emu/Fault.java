package timeslave.ref.serial.emu;

import java.util.Locale;

/** Ways the emulated receiver misbehaves, each a hostile case the references must survive. */
public enum Fault {
    /** Answers correctly. */
    NONE,
    /** Answers nothing at all (receiver off, cable cut). */
    SILENT,
    /** Answers line noise: random bytes of random length instead of every reply. */
    NOISE,
    /** Stops halfway through each time reply. */
    TRUNCATE,
    /** PST: a status byte that is not 00001xxx; TT600: the SOH replaced by another byte. */
    BAD_STATUS,
    /** PST: status 0x00 (no time available); TT600: quality '?' (no reference). */
    NO_TIME,
    /** PST: status 0x09 (time available, signal fault); TT600: quality '?'. */
    FAULT_BITS;

    /** Parses "bad-status", "BAD_STATUS" and the like. */
    public static Fault parse(String s) {
        return valueOf(s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    }
}
