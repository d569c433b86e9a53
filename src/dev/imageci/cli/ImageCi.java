package dev.imageci.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code imageci} command line: what Jenkins agents run. */
@Command(
    name = "imageci",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "Turns an image form (YAML or JSON) into a built, pushed and recorded image.",
    subcommands = {RenderCommand.class, BuildCommand.class, CommandLine.HelpCommand.class})
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
    CommandLine commandLine = new CommandLine(new ImageCi());
    commandLine.setExecutionExceptionHandler(new FailureHandler());
    commandLine.setParameterExceptionHandler(new UsageHandler());
    return commandLine.execute(args);
  }
}
