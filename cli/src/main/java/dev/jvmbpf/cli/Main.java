package dev.jvmbpf.cli;

import dev.jvmbpf.cli.internal.SafeText;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code jvmbpf} command. Each subcommand lives in its own class. */
@Command(name = "jvmbpf", mixinStandardHelpOptions = true, version = "jvmbpf 0.1.0",
        description = "Runs eBPF programs on the JVM: interpreter, JIT to JVM bytecode, and the kernel as oracle.",
        subcommands = {CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Option(names = "--debug", description = "Print stack traces of errors.", scope = CommandLine.ScopeType.INHERIT)
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static void main(String[] args) {
        int status;
        try {
            status = execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            // The last resort: an input too large or too deep for this JVM still ends in one line.
            System.out.flush();
            System.err.println("jvmbpf: " + (e instanceof OutOfMemoryError
                    ? "out of memory (" + e.getMessage() + "); the input is too large for this JVM's heap (-Xmx)"
                    : "stack overflow; the input is too deeply nested for this JVM's stack (-Xss)"));
            status = Failure.EXIT;
        }
        System.exit(status);
    }

    private static Path path(String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            throw new CommandLine.TypeConversionException("'" + text + "' is not a file name here (" + e.getReason() + ")");
        }
    }

    /** Runs the command line and returns the exit status (tests call this). */
    public static int execute(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // picocli builds a command's model by reflection when it is added; that is most of the
        // start-up time, so only the subcommand named is added (all of them for help or a typo).
        String named = commandWord(args);
        List<Object> subcommands = Subcommands.all();
        boolean known = subcommands.stream().anyMatch(sub -> nameOf(sub).equals(named));
        for (Object sub : subcommands) {
            if (!known || nameOf(sub).equals(named)) {
                cl.addSubcommand(sub);
            }
        }
        // Errors quote user input; the terminal shows its control characters instead of obeying them.
        // Set after the subcommands are added: picocli hands the writer to those it already has.
        cl.setErr(new PrintWriter(new SafeText(new OutputStreamWriter(System.err, StandardCharsets.UTF_8)), true));
        // picocli's own Path conversion quotes the JDK's exception (InvalidPathException) in its line.
        cl.registerConverter(Path.class, Main::path);
        // Usage errors are one line too, pointing at the help rather than printing it.
        cl.setParameterExceptionHandler((ex, ignored) -> {
            CommandLine line = ex.getCommandLine();
            line.getErr().println("jvmbpf: " + Failure.oneLine(ex.getMessage()) + " (see '" + line.getCommandSpec().qualifiedName()
                    + " --help')");
            return 2;
        });
        cl.setExecutionExceptionHandler((ex, line, parse) -> {
            boolean debug = line.getCommandSpec().root().userObject() instanceof Main m && m.debug;
            if (debug) {
                ex.printStackTrace(line.getErr());
            }
            String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
            line.getErr().println("jvmbpf: " + Failure.oneLine(msg));
            return 2;
        });
        return cl.execute(args);
    }

    /** The first word that is not an option: the subcommand (the root's options take no values). */
    private static String commandWord(String[] args) {
        for (String arg : args) {
            if (!arg.startsWith("-")) {
                return arg;
            }
        }
        return "";
    }

    private static String nameOf(Object subcommand) {
        return subcommand.getClass().getAnnotation(Command.class).name();
    }
}
