package timeslave.cli;

/** Entry point: placeholder until the command line lands. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("timeslave " + Main.class.getPackage().getImplementationVersion());
    }
}
