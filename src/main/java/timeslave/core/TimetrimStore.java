package timeslave.core;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * Where the frequency correction (timetrim, ns/s, positive = clock runs faster) is kept between
 * runs: the -P file in production, memory in the simulator. Implementations log their own errors.
 */
public interface TimetrimStore {

    /** The saved timetrim, or empty when there is none or it is unusable (already logged). */
    OptionalLong load();

    /** Saves the timetrim; returns false (after logging why) if it could not be saved. */
    boolean save(long timetrimNsPerSec);

    /** A store that keeps nothing: no -P, or -m. */
    TimetrimStore NONE = new TimetrimStore() {
        @Override
        public OptionalLong load() {
            return OptionalLong.empty();
        }

        @Override
        public boolean save(long timetrimNsPerSec) {
            return true;
        }
    };

    /** A store in memory (the simulator, tests): holds a starting value and then whatever is saved. */
    final class Memory implements TimetrimStore {
        private OptionalLong value;
        private final List<Long> saves = new ArrayList<>();

        public Memory(OptionalLong value) {
            this.value = value;
        }

        @Override
        public OptionalLong load() {
            return value;
        }

        @Override
        public boolean save(long timetrimNsPerSec) {
            value = OptionalLong.of(timetrimNsPerSec);
            saves.add(timetrimNsPerSec);
            return true;
        }

        /** Every value saved, oldest first. */
        public List<Long> saves() {
            return List.copyOf(saves);
        }
    }
}
