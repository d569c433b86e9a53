package dev.imageci.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageci.config.Config;
import dev.imageci.config.ConfigException;
import dev.imageci.config.ConfigReader;
import dev.imageci.context.RootfsPolicy;
import dev.imageci.docker.CancelSignal;
import dev.imageci.docker.DaemonUnavailableException;
import dev.imageci.docker.DockerConnection;
import dev.imageci.docker.DockerImages;
import dev.imageci.docker.PushRetry;
import dev.imageci.pipeline.BuildObserver;
import dev.imageci.pipeline.BuildOptions;
import dev.imageci.pipeline.BuildPipeline;
import dev.imageci.pipeline.BuildResult;
import dev.imageci.pipeline.BuildStatus;
import dev.imageci.pipeline.TagResolver;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code imageci build CONFIG}: builds the image, optionally pushes it, and reports the result. */
@Command(
    name = "build",
    mixinStandardHelpOptions = true,
    description = {
      "Builds the image described by CONFIG through the Docker daemon (DOCKER_HOST),"
          + " smoke tests it, tags it, and with --push pushes it and verifies its digest.",
      "Exit status: 0 ok, 1 failed, 2 invalid config or usage, 124 timed out, 130 cancelled."
    })
final class BuildCommand implements Callable<Integer> {

  static final int EXIT_TIMED_OUT = 124;
  static final int EXIT_CANCELLED = 130;
  private static final Logger LOG = LoggerFactory.getLogger(BuildCommand.class);

  @Spec private CommandSpec spec;

  @Parameters(paramLabel = "CONFIG", description = "The image form, YAML or JSON (by extension).")
  private Path config;

  @Option(names = "--push", description = "Push every tag and verify the digest in the registry.")
  private boolean push;

  @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
  private boolean json;

  @Option(
      names = "--result-file",
      paramLabel = "FILE",
      description = "Also write the JSON result to FILE.")
  private Path resultFile;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "60m",
      converter = DurationConverter.class,
      description =
          "Wall-clock limit for the whole build and push, e.g. 90s, 30m, 2h (default: 60m).")
  private Duration timeout;

  @Option(names = "--no-cache", description = "Do not use the daemon's build cache.")
  private boolean noCache;

  @Option(names = "--pull", description = "Always pull a newer base image.")
  private boolean pull;

  @Option(names = "--rm-after-push", description = "Remove the local image after the push.")
  private boolean removeAfterPush;

  @Option(names = "--user", paramLabel = "NAME", description = "Who asked for the build.")
  private String user;

  @Option(
      names = "--request-id",
      paramLabel = "ID",
      description = "The caller's id for this build, copied into the result.")
  private String requestId;

  @Option(
      names = "--force",
      description = "Build even if an identical image was built before (used with the history).")
  private boolean force;

  @Override
  public Integer call() throws ConfigException, IOException {
    Config form = ConfigReader.read(config);
    if (removeAfterPush && !push) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--rm-after-push needs --push");
    }
    BuildResult result;
    try (DockerConnection docker = DockerConnection.fromEnvironment()) {
      result = build(form, docker);
    } catch (DaemonUnavailableException e) {
      result =
          new BuildResult(
              form.image(),
              form.tags(),
              null,
              null,
              null,
              BuildStatus.FAILED,
              e.getMessage(),
              false,
              java.util.Map.of());
    }
    report(result);
    return exitStatus(result);
  }

  private BuildResult build(Config form, DockerConnection docker) {
    PrintWriter err = spec.commandLine().getErr();
    CancelSignal cancel = new CancelSignal();
    try (Signals signals = Signals.onTermination(cancel)) {
      BuildPipeline pipeline =
          new BuildPipeline(
              new DockerImages(docker, line -> printLine(err, line)),
              RootfsPolicy.fromEnvironment(System.getenv()),
              TagResolver.fixedOnly(),
              BuildObserver.NONE,
              System.getenv(),
              PushRetry.defaults(),
              cancel,
              Clock.systemUTC());
      return pipeline.run(
          form,
          config.toString(),
          new BuildOptions(push, noCache, pull, removeAfterPush, timeout, requestId, user, force));
    }
  }

  private static void printLine(PrintWriter err, String line) {
    err.println(line);
    err.flush();
  }

  private void report(BuildResult result) throws IOException {
    String text = new ObjectMapper().writeValueAsString(BuildResultJson.from(result, requestId));
    if (resultFile != null) {
      Files.writeString(resultFile, text + "\n");
    }
    if (json) {
      spec.commandLine().getOut().println(text);
      spec.commandLine().getOut().flush();
    }
    if (result.status() == BuildStatus.SUCCEEDED) {
      LOG.info(
          "Built {} ({}){}",
          result.tags().stream().map(t -> result.image() + ":" + t).toList(),
          result.imageId(),
          result.digest() == null ? "" : ", pushed as " + result.digest());
    } else {
      spec.commandLine()
          .getErr()
          .println("imageci: build " + result.status().word() + ": " + result.error());
      spec.commandLine().getErr().flush();
    }
  }

  private static int exitStatus(BuildResult result) {
    return switch (result.status()) {
      case SUCCEEDED, REUSED -> 0;
      case FAILED -> ImageCi.EXIT_FAILED;
      case CANCELLED -> result.timedOut() ? EXIT_TIMED_OUT : EXIT_CANCELLED;
    };
  }

  /** Reads 90s, 30m, 2h or 1h30m. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    private static final Pattern PART = Pattern.compile("([0-9]{1,6})([hms])");

    @Override
    public Duration convert(String text) {
      Matcher part = PART.matcher(text);
      Duration total = Duration.ZERO;
      int end = 0;
      while (part.lookingAt()) {
        long amount = Long.parseLong(part.group(1));
        total =
            total.plus(
                switch (part.group(2)) {
                  case "h" -> Duration.ofHours(amount);
                  case "m" -> Duration.ofMinutes(amount);
                  default -> Duration.ofSeconds(amount);
                });
        end = part.end();
        part.region(end, text.length());
      }
      if (end == 0 || end != text.length() || total.isZero()) {
        throw new IllegalArgumentException(
            "expected a duration such as 90s, 30m or 1h30m (got \"" + text + "\")");
      }
      return total;
    }
  }
}
