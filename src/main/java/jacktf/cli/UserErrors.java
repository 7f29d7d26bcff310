package jacktf.cli;

import jacktf.config.ConfigException;
import jacktf.config.JacktfException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Sorts failures by type. The user's ({@link JacktfException} and its subclasses, and files that
 * cannot be read or written) become one line naming the problem and exit code 1; a
 * {@link ConfigException} names the flag rather than the Java field ({@code --learning-rate}, not
 * {@code learningRate}). Anything else, {@link IllegalArgumentException} included, is a bug of
 * ours: it keeps its stack trace and exits 70.
 */
final class UserErrors implements IExecutionExceptionHandler {
    static final int USER_ERROR = 1;
    static final int INTERNAL_ERROR = 70;
    private static final String IMAGE_SIZE = "imageSize";

    /**
     * A command whose configuration fields are not all named after its option fields: names them.
     * Fields named like an option field, or like an option in camelCase, need no entry.
     */
    interface FlagNames {
        /** Java field to flag, e.g. {@code replicas -> --cluster}. */
        Map<String, String> flagNames();
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cli, ParseResult parsed) {
        if (isUserError(e)) {
            cli.getErr().println("jacktf " + cli.getCommandName() + ": error: " + message(e, cli.getCommandSpec()));
            return USER_ERROR;
        }
        cli.getErr().println("jacktf " + cli.getCommandName() + ": internal error (please report): " + e);
        e.printStackTrace(cli.getErr());
        return INTERNAL_ERROR;
    }

    static boolean isUserError(Throwable e) {
        return e instanceof JacktfException || e instanceof IOException || e instanceof UncheckedIOException;
    }

    /** The message to show, with configuration fields shown as the command's flags. */
    static String message(Throwable e, CommandSpec command) {
        if (e instanceof ConfigException config) {
            return config.withFieldsShownAs(flagNames(command)).getMessage();
        }
        return e.getMessage();
    }

    /**
     * Java field to flag, from the command's options (mixins included): the option's own field name
     * ({@code learningRate} -> {@code --learning-rate}), its long name in camelCase, and what the
     * command adds with {@link FlagNames}. Unknown fields stay as they are.
     */
    static UnaryOperator<String> flagNames(CommandSpec command) {
        Map<String, String> flags = new HashMap<>();
        for (OptionSpec option : command.options()) {
            String flag = option.longestName();
            flags.putIfAbsent(camelCase(flag), flag);
            if (flag.startsWith("--no-")) {
                // a negated flag names the field it turns off: --no-aux-logits for auxLogits
                flags.putIfAbsent(camelCase("--" + flag.substring("--no-".length())), flag);
            }
            if (option.userObject() instanceof Field field) {
                flags.put(field.getName(), flag);
            }
        }
        if (command.userObject() instanceof FlagNames named) {
            flags.putAll(named.flagNames());
        }
        // eval, predict, extract and export take the image size from the model, not from a flag
        flags.putIfAbsent(IMAGE_SIZE, "image_size (the model's jacktf.properties)");
        return field -> flags.getOrDefault(field, field);
    }

    /** {@code --learning-rate} -> {@code learningRate}. */
    static String camelCase(String flag) {
        String[] words = flag.replaceFirst("^-+", "").split("-");
        StringBuilder b = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            if (!words[i].isEmpty()) {
                b.append(words[i].substring(0, 1).toUpperCase(Locale.ROOT)).append(words[i].substring(1));
            }
        }
        return b.toString();
    }
}
