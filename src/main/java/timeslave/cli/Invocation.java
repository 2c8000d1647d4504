package timeslave.cli;

import java.util.List;

/** What one command line asks for: help, the version, the simulator, or a run (daemon or --once). */
public sealed interface Invocation {

    /** --help: print every option with its default. */
    record Help() implements Invocation {
    }

    /** --version. */
    record Version() implements Invocation {
    }

    /** --simulate: the words after it go to {@code timeslave.sim.Simulate.run}. */
    record Simulate(List<String> args) implements Invocation {
    }

    /** The daemon, or one measurement with --once. */
    record Run(Options options) implements Invocation {
    }
}
