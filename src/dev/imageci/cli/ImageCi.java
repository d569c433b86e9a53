package dev.imageci.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code imageci} command line: what Jenkins agents run. */
@Command(
    name = "imageci",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Turns an image form (YAML or JSON) into a built, pushed and recorded image.",
    subcommands = {
      RenderCommand.class,
      BuildCommand.class,
      HistoryCommand.class,
      CommandLine.HelpCommand.class
    })
public final class ImageCi {

  /** Exit status for a config or command line that cannot be used. */
  public static final int EXIT_INVALID = 2;

  /** Exit status for a failed build, push or other operation. */
  public static final int EXIT_FAILED = 1;

  public static void main(String[] args) {
    if ("1".equals(System.getenv("IMAGECI_DEBUG"))) {
      // Our own detail only: docker-java and the HTTP clients print credentials at debug.
      System.setProperty("org.slf4j.simpleLogger.log.dev.imageci", "debug");
    }
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status, for tests and embedding. */
  public static int run(String... args) {
    return run(
        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true),
        new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true),
        args);
  }

  /** Runs the command line with its output and messages going to {@code out} and {@code err}. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(Invocation.ofProcess(), out, err, args);
  }

  /** Runs the command line for {@code invocation}, a caller that may be another process. */
  public static int run(Invocation invocation, PrintWriter out, PrintWriter err, String... args) {
    if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
      // Answered before picocli reflects over every command (some 170 classes): --version is
      // what scripts call to find the CLI, and it needs nothing but the jar's manifest.
      for (String line : new Version().getVersion()) {
        out.println(line);
      }
      out.flush();
      return 0;
    }
    CommandLine commandLine =
        textSafe(new CommandLine(new ImageCi(), new InvocationFactory(invocation)));
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.setExecutionExceptionHandler(new FailureHandler(invocation.env()));
    commandLine.setParameterExceptionHandler(new UsageHandler());
    int status = commandLine.execute(args);
    out.flush();
    err.flush();
    return status;
  }

  /**
   * Keeps argument values text: no '@FILE' expansion (a hostile value would read a file into the
   * history), and {@code history record} takes texts that look like options ({@code
   * --error=--json}) as values.
   */
  static CommandLine textSafe(CommandLine commandLine) {
    commandLine.setExpandAtFiles(false);
    allowOptionLikeTexts(commandLine);
    return commandLine;
  }

  private static void allowOptionLikeTexts(CommandLine commandLine) {
    if (commandLine.getCommand() instanceof HistoryRecordCommand) {
      commandLine.setAllowOptionsAsOptionParameters(true);
    }
    commandLine.getSubcommands().values().forEach(ImageCi::allowOptionLikeTexts);
  }
}
