package timeslave.ref.serial;

import java.util.Locale;
import java.util.Optional;

/**
 * The receiver kinds -c accepts. PST_WWV and TRC_WWV speak one protocol (PROTOCOLS.md §8);
 * "Traconix_WWV", the spelling IRIX timeslave rev 1.39 really accepted, selects TRC_WWV.
 */
public enum ReceiverType {
    PST_WWV, TRC_WWV, TT600;

    /** Parses a -c argument in any case; empty if it names no receiver we know. */
    public static Optional<ReceiverType> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toUpperCase(Locale.ROOT);
        switch (n) {
            case "PST_WWV":
                return Optional.of(PST_WWV);
            case "TRC_WWV":
            case "TRACONIX_WWV":
            case "TRACONEX_WWV":
                return Optional.of(TRC_WWV);
            case "TT600":
                return Optional.of(TT600);
            default:
                return Optional.empty();
        }
    }

    /** True for the two names of the PSTI/Traconex WWV receiver. */
    public boolean isWwv() {
        return this != TT600;
    }
}
