package dev.imageci.cli;

import dev.imageci.config.Config;
import dev.imageci.config.ConfigException;
import dev.imageci.config.ConfigReader;
import dev.imageci.render.DockerfileRenderer;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imageci render CONFIG}: validates the form and prints its Dockerfile. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = {
      "Validates CONFIG and prints the Dockerfile rendered from it on stdout.",
      "An invalid config prints one line per problem on stderr",
      "(FILE: field: rule (got \"value\")) and exits with status 2."
    },
    exitCodeListHeading = "%nExit status:%n",
    exitCodeList = {
      "0:the Dockerfile was printed",
      "1:an unexpected failure",
      "2:invalid config or usage"
    })
final class RenderCommand implements Callable<Integer> {

  private final Invocation invocation;

  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "CONFIG", description = "The image form, YAML or JSON (by extension).")
  private Path config;

  /** This process's own invocation, for a command line made by picocli's own factory. */
  RenderCommand() {
    this(Invocation.ofProcess());
  }

  RenderCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() throws ConfigException {
    Config form = ConfigReader.read(config, invocation.workingDirectory());
    String dockerfile;
    try {
      dockerfile = new DockerfileRenderer().render(form);
    } catch (ConfigException tooLarge) {
      throw new ConfigException(config.toString(), tooLarge.problems());
    }
    spec.commandLine().getOut().print(dockerfile);
    spec.commandLine().getOut().flush();
    return 0;
  }
}
