package timeslave.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcServicesTest {
    @TempDir
    Path dir;

    @Test
    void findsUdpPortsByNameOrAlias() throws IOException {
        Path f = dir.resolve("services");
        Files.writeString(f, "# comment\ntime\t\t37/tcp\t\ttimserver\ntime\t\t3737/udp\ttimserver # local\n"
                + "tai64\t\t4014/udp\n\nbroken\t\tx/udp\n");
        assertEquals(OptionalInt.of(3737), EtcServices.udpPort(f, "time"), "the udp line, not the tcp one");
        assertEquals(OptionalInt.of(3737), EtcServices.udpPort(f, "timserver"));
        assertEquals(OptionalInt.of(4014), EtcServices.udpPort(f, "tai64"));
        assertEquals(OptionalInt.empty(), EtcServices.udpPort(f, "broken"));
        assertEquals(OptionalInt.empty(), EtcServices.udpPort(f, "udp"));
        assertEquals(OptionalInt.empty(), EtcServices.udpPort(f, "nosuch"));
        assertEquals(OptionalInt.empty(), EtcServices.udpPort(dir.resolve("absent"), "time"));
    }
}
