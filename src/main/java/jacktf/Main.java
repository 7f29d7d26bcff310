package jacktf;

import jacktf.cli.JacktfCommand;

/** Entry point of the {@code jacktf} command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(JacktfCommand.execute(args));
    }
}
