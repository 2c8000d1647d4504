package timeslave.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every seed {@link SeedCorpus} derives from test-fixtures/ as they are now passes its fuzz target, so a
 * re-recorded fixture is checked even before its committed copy under src/test/resources is refreshed
 * ({@code mvn test -Dtest=SeedCorpusTest -Dfuzz.writeSeeds=true} rewrites the copies).
 */
class SeedCorpusTest {

    @TestFactory
    Stream<DynamicTest> everySeedFromTheFixturesPassesItsTarget() throws Exception {
        if (Boolean.getBoolean("fuzz.writeSeeds")) {
            SeedCorpus.write(SeedCorpus.RESOURCES);
        }
        Map<Path, byte[]> seeds = SeedCorpus.seeds();
        assertTrue(seeds.size() > 20, "only " + seeds.size() + " seeds");
        return seeds.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey().toString(), () -> run(e.getKey(), e.getValue())));
    }

    /** Runs the target that {@code <Class>Inputs/<method>/<name>} belongs to on {@code input}. */
    private static void run(Path seed, byte[] input) throws Throwable {
        List<String> parts = List.of(seed.toString().split("/"));
        String cls = parts.get(0).substring(0, parts.get(0).length() - "Inputs".length());
        Class<?> target = Class.forName("timeslave.fuzz." + cls);
        Method m = target.getDeclaredMethod(parts.get(1), byte[].class);
        m.setAccessible(true);
        var ctor = target.getDeclaredConstructor();
        ctor.setAccessible(true);
        try {
            m.invoke(ctor.newInstance(), (Object) input);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
