package timeslave.control;

import java.io.PrintStream;
import java.util.List;

/** Lets tests in other packages run timeslave-ctl in-process. */
public final class CtlAccess {
    private CtlAccess() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return Ctl.run(args, out, err);
    }
}
