package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The committed seed corpus is what {@link SeedCorpus} derives from test-fixtures/ today. */
class SeedCorpusTest {

    @Test
    void committedSeedsMatchTheFixtures() throws Exception {
        if (Boolean.getBoolean("fuzz.writeSeeds")) {
            SeedCorpus.write(SeedCorpus.RESOURCES);
        }
        Map<Path, byte[]> seeds = SeedCorpus.seeds();
        assertTrue(seeds.size() > 20, "only " + seeds.size() + " seeds");
        for (Map.Entry<Path, byte[]> e : seeds.entrySet()) {
            Path p = SeedCorpus.RESOURCES.resolve(e.getKey());
            String fix = " (mvn test -Dtest=SeedCorpusTest -Dfuzz.writeSeeds=true rewrites the seeds)";
            assertTrue(Files.isRegularFile(p), p + " is missing" + fix);
            assertArrayEquals(e.getValue(), Files.readAllBytes(p), p + " differs from its fixture" + fix);
        }
    }
}
