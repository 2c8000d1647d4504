package timeslave.os;

import timeslave.core.LeapPlanner;
import timeslave.core.Settings;
import timeslave.log.Log;
import timeslave.log.Priority;
import timeslave.time.LeapSeconds;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Finds the daemon's leap-seconds table: the --leap-seconds file or, when that option was left at
 * its default, Debian's copy in tzdata if the default file is missing, unusable or expires earlier.
 * A missing or bad file is one log line and no table, never a failure to start.
 */
public final class LeapSecondsFile {
    /** Debian's tzdata copy of the IERS/NIST file, updated with the package. */
    public static final Path DEBIAN = Path.of("/usr/share/zoneinfo/leap-seconds.list");

    private LeapSecondsFile() {
    }

    /** As below, for --leap kernel. */
    public static LeapPlanner.Table load(Path file, Path fallback, Log log) {
        return load(file, fallback, Settings.Leap.KERNEL, log);
    }

    /**
     * @param file      the --leap-seconds file
     * @param fallback  the file to try when {@code file} is the default one (null: none)
     * @param mode      --leap, for the log line's wording ("announced" or "smeared", as
     *                  {@link LeapPlanner} says of an expired file)
     * @return the table and where it came from, or null when there is none
     */
    public static LeapPlanner.Table load(Path file, Path fallback, Settings.Leap mode, Log log) {
        String problem;
        LeapSeconds table = null;
        try {
            table = LeapSeconds.load(file);
            problem = null;
        } catch (NoSuchFileException e) {
            problem = "missing";
        } catch (IOException e) {
            problem = "unreadable: " + e.getMessage();
        } catch (LeapSeconds.FormatException e) {
            problem = "unusable: " + e.getMessage();
        }
        if (fallback != null) {
            LeapSeconds other = null;
            try {
                other = LeapSeconds.load(fallback);
            } catch (IOException | LeapSeconds.FormatException e) {
                log.debug(1, "leap-seconds file " + fallback + " not used: " + e.getMessage());
            }
            if (other != null && (table == null || other.expiresPosixSeconds() > table.expiresPosixSeconds())) {
                log.info("leap-seconds file " + fallback + " used (expires " + day(other.expiresPosixSeconds())
                        + "): " + file + (table == null ? " is " + problem : " expires " + day(table.expiresPosixSeconds())));
                return new LeapPlanner.Table(other, fallback.toString());
            }
        }
        if (table == null) {
            log.log(problem.equals("missing") ? Priority.WARNING : Priority.ERR,
                    "leap-seconds file " + file + " " + problem + "; no leap seconds will be "
                            + (mode == Settings.Leap.SMEAR ? "smeared" : "announced"));
            return null;
        }
        return new LeapPlanner.Table(table, file.toString());
    }

    private static LocalDate day(long posixSeconds) {
        return LocalDate.ofEpochDay(Math.floorDiv(posixSeconds, 86_400));
    }
}
