package timeslave.os;

import timeslave.core.LeapPlanner;
import timeslave.core.Settings;
import timeslave.log.Log;
import timeslave.log.Priority;
import timeslave.time.LeapSeconds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDate;

/**
 * Finds the daemon's leap-seconds table: the --leap-seconds file or, when that option was left at
 * its default, Debian's copy in tzdata if the default file is missing, unusable or expires earlier.
 * A missing or bad file is one log line and no table, never a failure to start; every file is read
 * through {@link RegularFile}, so a FIFO or a huge file is such a bad file, not a hang or a crash.
 */
public final class LeapSecondsFile {
    /** Debian's tzdata copy of the IERS/NIST file, updated with the package. */
    public static final Path DEBIAN = Path.of("/usr/share/zoneinfo/leap-seconds.list");

    /**
     * The most a leap-seconds file may hold, bytes: the IERS file with all its comments is about 10 KB and
     * grows by one 40-byte line per leap second; 256 KiB is 25 times that and a small part of the heap.
     */
    public static final int MAX_FILE_BYTES = 256 * 1024;

    private LeapSecondsFile() {
    }

    /**
     * Reads and verifies one file, with the cap and checks of {@link RegularFile#read}.
     *
     * @throws NoSuchFileException           the file does not exist
     * @throws IOException                   unreadable, not a regular file, or beyond {@link #MAX_FILE_BYTES}
     * @throws LeapSeconds.FormatException   see {@link #parse}
     */
    public static LeapSeconds read(Path file) throws IOException, LeapSeconds.FormatException {
        return parse(RegularFile.read(file, MAX_FILE_BYTES));
    }

    /**
     * The table in a file's bytes: each byte one character (ISO 8859-1; the format is ASCII, and a
     * stray byte in a data line makes a bad number), lines ended by LF, CR LF or CR, then
     * {@link LeapSeconds#parse}. Pure: no I/O.
     *
     * @throws LeapSeconds.FormatException the only exception: a field missing or malformed, dates not
     *                                     ascending by one-second steps, or the SHA-1 not matching
     */
    public static LeapSeconds parse(byte[] bytes) throws LeapSeconds.FormatException {
        return LeapSeconds.parse(new String(bytes, StandardCharsets.ISO_8859_1).lines().toList());
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
            table = read(file);
            problem = null;
        } catch (NoSuchFileException e) {
            problem = "missing";
        } catch (IOException e) {
            problem = "unreadable: " + RegularFile.reason(e);
        } catch (LeapSeconds.FormatException e) {
            problem = "unusable: " + e.getMessage();
        }
        if (fallback != null) {
            LeapSeconds other = null;
            try {
                other = read(fallback);
            } catch (IOException e) {
                log.debug(1, "leap-seconds file " + fallback + " not used: " + RegularFile.reason(e));
            } catch (LeapSeconds.FormatException e) {
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
