package timeslave.ref.serial.emu;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class EmulatorCommandTest {

    static String usageError(String... args) {
        return assertThrows(IllegalArgumentException.class, () -> EmulatorCommand.parse(args, System.err)).getMessage();
    }

    @Test
    void requiredAndBadOptionsGiveSpecificMessages() {
        assertTrue(usageError("--tty", "/tmp/x").contains("--type is required"));
        assertTrue(usageError("--type", "TT600").contains("--tty is required"));
        assertTrue(usageError("--type", "GPS9", "--tty", "/tmp/x").contains("unknown --type GPS9"));
        assertTrue(usageError("--type", "TT600", "--tty", "/tmp/x", "--offset", "soon").contains("--offset: not a number"));
        assertTrue(usageError("--type", "TT600", "--tty", "/tmp/x", "--glitch-rate", "2").contains("between 0 and 1"));
        assertTrue(usageError("--type", "PST_WWV", "--tty", "/tmp/x", "--year-switch", "16").contains("0-15"));
        assertTrue(usageError("--type", "PST_WWV", "--tty", "/tmp/x", "--fault", "fire").contains("unknown --fault fire"));
        assertTrue(usageError("--type", "PST_WWV", "--tty", "/tmp/x", "--start", "yesterday").startsWith("--start"));
    }

    @Test
    void helpAndAGoodCommandLine() throws Exception {
        assertNull(EmulatorCommand.parse(new String[] {"--help"}, System.err));
        assertTrue(EmulatorCommand.parse(new String[] {"--type", "Traconix_WWV", "--tty", "/tmp/x", "--offset", "-0.750",
            "--drift-ppm", "3", "--glitch-rate", "0.1", "--year-switch", "8", "--fault", "noise", "--leap", "--seed", "7"},
                System.err) != null);
    }
}
