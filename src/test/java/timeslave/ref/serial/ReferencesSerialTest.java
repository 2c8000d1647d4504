package timeslave.ref.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import timeslave.log.Priority;
import timeslave.time.MeasurementException;
import timeslave.time.Reference;
import timeslave.ref.ReferenceConfig;
import timeslave.ref.References;
import timeslave.ref.serial.emu.HostTimeSource;
import timeslave.ref.ListLog;

class ReferencesSerialTest {

    static ReferenceConfig config(String type) {
        ReferenceConfig d = ReferenceConfig.defaults();
        return new ReferenceConfig(d.minTrials(), d.maxTrials(), d.probeWaitNanos(), d.dateWaitNanos(), d.timePort(),
                d.quiet(), type, OptionalInt.empty(), d.leapSecondsFile());
    }

    @Test
    void clockTypeChoosesTheReceiver() throws Exception {
        ListLog log = new ListLog(0);
        HostTimeSource t = new HostTimeSource();
        assertInstanceOf(PstWwvReference.class, References.serial("/dev/ttyd2", config("PST_WWV"), t, log));
        assertInstanceOf(PstWwvReference.class, References.serial("/dev/ttyd2", config("TRC_WWV"), t, log));
        assertInstanceOf(PstWwvReference.class, References.serial("/dev/ttyd2", config("Traconix_WWV"), t, log));
        assertInstanceOf(Tt600Reference.class, References.serial("/dev/ttyd2", config("TT600"), t, log));
        assertEquals("/dev/ttyd2", References.serial("/dev/ttyd2", config("TT600"), t, log).name());
        MeasurementException e = assertThrows(MeasurementException.class,
                () -> References.serial("/dev/ttyd2", config("HP58503"), t, log));
        assertEquals(MeasurementException.Kind.LOCAL, e.kind);
        assertTrue(e.getMessage().contains("unknown receiver type \"HP58503\""), e.getMessage());
    }

    @Test
    void aMissingTtyIsOneLineAndNoSample() throws Exception {
        ListLog log = new ListLog(0);
        try (Reference r = References.serial("/nonexistent/ttyd9", config("TT600"), new HostTimeSource(), log)) {
            for (int i = 0; i < 3; i++) {
                MeasurementException e = assertThrows(MeasurementException.class, r::measure);
                assertEquals(MeasurementException.Kind.LOCAL, e.kind);
            }
        }
        assertEquals(1, log.above(Priority.ERR).size(), log.lines.toString());
        assertTrue(log.lines.get(0).startsWith("ERR receiver /nonexistent/ttyd9 cannot be opened: "), log.lines.toString());
    }
}
