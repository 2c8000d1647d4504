package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import timeslave.cli.TimeslaveProcess;

/**
 * The receiver emulator in its own JVM (what bin/timeslave-receiver-emu starts), on the receiver side
 * of a pty; started once it says it opened the tty, stopped by its own PID.
 */
final class EmulatorProcess implements AutoCloseable {
    private final Process process;

    private EmulatorProcess(Process process) {
        this.process = process;
    }

    /** Starts the emulator of {@code type} on {@code tty} with {@code extra} options, and waits until it opened it. */
    static EmulatorProcess start(ReceiverType type, Path tty, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("--type", type.name(), "--tty", tty.toString(), "-v"));
        args.addAll(List.of(extra));
        Process p = TimeslaveProcess.java("timeslave.ref.serial.emu.ReceiverEmulator", args)
                .redirectErrorStream(true).start();
        EmulatorProcess emu = new EmulatorProcess(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String first = out.readLine();
        assertTrue(first != null && first.contains("opened"), "emulator said: " + first);
        Thread drain = new Thread(() -> {
            try {
                while (out.readLine() != null) {
                    // the -v chatter is not under test
                }
            } catch (IOException e) {
                // the emulator ended
            }
        });
        drain.setDaemon(true);
        drain.start();
        return emu;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
