package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Real signals reach the handlers Main installs (sent to this test JVM only, after the handler is in place). */
class LinuxPlatformTest {
    private static void kill(String signal) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + signal, Long.toString(ProcessHandle.current().pid()))
                .inheritIO().start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue());
    }

    @Test
    void usr1AndUsr2ReachTheirHandlers() throws Exception {
        LinuxPlatform platform = new LinuxPlatform();
        CountDownLatch usr1 = new CountDownLatch(2);
        CountDownLatch usr2 = new CountDownLatch(1);
        platform.onSignal("USR1", usr1::countDown);
        platform.onSignal("USR2", usr2::countDown);
        kill("USR1");
        kill("USR2");
        kill("USR1");
        assertTrue(usr1.await(10, TimeUnit.SECONDS), "SIGUSR1 twice");
        assertTrue(usr2.await(10, TimeUnit.SECONDS), "SIGUSR2");
    }
}
