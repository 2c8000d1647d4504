package timeslave.cli;

/** A bad command line: the message names the option and what it accepts; Main adds the usage and exits 2. */
public final class UsageException extends Exception {
    public UsageException(String message) {
        super(message);
    }
}
