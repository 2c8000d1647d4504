package timeslave.os;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessPriorityTest {
    private final List<String> sent = new ArrayList<>();
    private final SyslogLog log = new SyslogLog((p, m) -> sent.add(p + " " + m), null, 1);

    @Test
    void asksForNiceMinus10OnThisThreadOnly() {
        List<int[]> calls = new ArrayList<>();
        assertTrue(ProcessPriority.raise((which, who, prio) -> {
            calls.add(new int[] {which, who, prio});
            return 0;
        }, log));
        assertEquals(1, calls.size());
        assertEquals(Libc.PRIO_PROCESS, calls.get(0)[0]);
        assertEquals(0, calls.get(0)[1], "who = 0: the calling thread, nothing else");
        assertEquals(-10, calls.get(0)[2]);
        assertEquals(List.of("DEBUG scheduling priority raised to nice -10"), sent);
    }

    @Test
    void refusalIsOneDebugLine() {
        assertFalse(ProcessPriority.raise((which, who, prio) -> Libc.EACCES, log));
        assertEquals(List.of("DEBUG cannot raise the scheduling priority: setpriority: EACCES (Permission denied)"),
                sent);
    }
}
