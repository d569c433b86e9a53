package dev.imageci.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageci.config.Config;
import dev.imageci.config.ConfigException;
import dev.imageci.config.ConfigReader;
import dev.imageci.config.Problem;
import dev.imageci.context.RootfsPolicy;
import dev.imageci.context.RootfsPreparer;
import dev.imageci.docker.CancelSignal;
import dev.imageci.docker.DaemonUnavailableException;
import dev.imageci.docker.DockerConnection;
import dev.imageci.docker.DockerImages;
import dev.imageci.docker.PushRetry;
import dev.imageci.history.BuildStart;
import dev.imageci.history.HistoryRecorder;
import dev.imageci.history.Trigger;
import dev.imageci.image.Tag;
import dev.imageci.pipeline.BuildOptions;
import dev.imageci.pipeline.BuildPipeline;
import dev.imageci.pipeline.BuildResult;
import dev.imageci.pipeline.BuildStatus;
import dev.imageci.pipeline.HistoryObserver;
import dev.imageci.pipeline.RegistryHistoryProbe;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
  // One per JVM: a new mapper would look into the result's classes again for every build.
  private static final ObjectMapper RESULT_JSON = new ObjectMapper();

  private final Invocation invocation;

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
      description =
          "With --push: build even if the history has an identical build whose image is still"
              + " in the registry (otherwise that image is reused and given the new tags).")
  private boolean force;

  /** This process's own invocation, for a command line made by picocli's own factory. */
  BuildCommand() {
    this(Invocation.ofProcess());
  }

  BuildCommand(Invocation invocation) {
    this.invocation = invocation;
  }

  @Override
  public Integer call() throws ConfigException, IOException {
    if (removeAfterPush && !push) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "--rm-after-push needs --push");
    }
    Map<String, String> env = invocation.env();
    // The daemon is connected to while the history opens and the form is read: on two cores that
    // hides most of the Docker client's start-up.
    CompletableFuture<DockerConnection> daemon = connectInBackground(env);
    String text = readText();
    Config form = null;
    ConfigException invalid = null;
    try {
      form = ConfigReader.read(config, invocation.workingDirectory());
    } catch (ConfigException e) {
      invalid = e;
    }
    // A build that may reuse an earlier image needs the rootfs' hash first, so it starts now on a
    // second core; any other build hashes the rootfs on its way to the daemon.
    // Limitation: a build that may reuse (--push without --force) uploads only after the hash.
    if (form != null && form.rootfs() != null && options().mayReuse()) {
      RootfsPreparer.hashAhead(form.rootfs());
    }
    CancelSignal cancel = new CancelSignal();
    BuildResult result;
    try (Invocation.Watch watch = invocation.cancellation().watch(cancel);
        HistoryRecorder history = HistoryRecorder.open(env, new RegistryHistoryProbe(env))) {
      if (form != null) {
        history.readPriorDigestAhead(
            form.image().toString(), form.tags().stream().map(Tag::value).toList());
      }
      history.catchUpInBackground();
      if (invalid != null) {
        recordInvalid(text, env, history, invalid);
        throw invalid;
      }
      result = build(form, text, env, history, daemon, cancel);
    } finally {
      daemon.thenAccept(BuildCommand::closeQuietly);
    }
    report(result);
    return exitStatus(result);
  }

  private static CompletableFuture<DockerConnection> connectInBackground(Map<String, String> env) {
    CompletableFuture<DockerConnection> daemon = new CompletableFuture<>();
    Thread connecting =
        new Thread(
            () -> {
              try {
                daemon.complete(DockerConnection.fromEnvironment(env));
              } catch (DaemonUnavailableException | RuntimeException e) {
                daemon.completeExceptionally(e);
              }
            },
            "imageci-connect");
    connecting.setDaemon(true);
    connecting.start();
    return daemon;
  }

  /** Runs the pipeline, which waits for the daemon only when it has something to build. */
  private BuildResult build(
      Config form,
      String text,
      Map<String, String> env,
      HistoryRecorder history,
      CompletableFuture<DockerConnection> daemon,
      CancelSignal cancel) {
    BuildPipeline pipeline =
        new BuildPipeline(
            images(daemon),
            RootfsPolicy.fromEnvironment(env),
            new HistoryObserver(history, env),
            env,
            PushRetry.defaults(),
            cancel,
            Clock.systemUTC());
    return pipeline.run(form, text, options());
  }

  private BuildPipeline.Daemon images(CompletableFuture<DockerConnection> daemon) {
    CompletableFuture<DockerImages> images =
        daemon.thenApply(connection -> new DockerImages(connection, line -> printLine(line)));
    return () -> {
      try {
        return images.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof DaemonUnavailableException unavailable) {
          throw unavailable;
        }
        throw e;
      }
    };
  }

  private static void closeQuietly(DockerConnection connection) {
    try {
      connection.close();
    } catch (IOException e) {
      LOG.debug("Closing the Docker connection failed: {}", e.toString());
    }
  }

  /** Records an invalid form as a failed attempt, before it is reported. */
  private void recordInvalid(
      String text, Map<String, String> env, HistoryRecorder history, ConfigException e) {
    if (text == null) {
      return;
    }
    String problems =
        e.problems().stream().map(Problem::toString).collect(Collectors.joining("; "));
    history
        .start(
            new BuildStart(
                InvalidForm.imageText(text),
                List.of(),
                text,
                "",
                null,
                null,
                null,
                Trigger.from(user, env),
                requestId,
                timeout))
        .failed("invalid config: " + problems);
  }

  /** The form's text for the history, or null when it cannot be read (reading reports why). */
  private String readText() {
    try {
      Path file = invocation.resolve(config);
      if (Files.size(file) > ConfigReader.MAX_CONFIG_BYTES) {
        return null;
      }
      return Files.readString(file);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private BuildOptions options() {
    return new BuildOptions(push, noCache, pull, removeAfterPush, timeout, requestId, user, force);
  }

  private void printLine(String line) {
    PrintWriter err = spec.commandLine().getErr();
    err.println(line);
    err.flush();
  }

  private void report(BuildResult result) throws IOException {
    String text = RESULT_JSON.writeValueAsString(BuildResultJson.from(result, requestId));
    if (resultFile != null) {
      Files.writeString(invocation.resolve(resultFile), text + "\n");
    }
    if (json) {
      spec.commandLine().getOut().println(text);
      spec.commandLine().getOut().flush();
    }
    if (result.status() == BuildStatus.REUSED) {
      LOG.info("Reused {} for {}", result.digest(), tagged(result));
    } else if (result.status() == BuildStatus.SUCCEEDED) {
      LOG.info(
          "Built {} ({}){}",
          tagged(result),
          result.imageId(),
          result.digest() == null ? "" : ", pushed as " + result.digest());
    } else {
      spec.commandLine()
          .getErr()
          .println("imageci: build " + result.status().word() + ": " + result.error());
      spec.commandLine().getErr().flush();
    }
  }

  private static List<String> tagged(BuildResult result) {
    return result.tags().stream().map(t -> result.image() + ":" + t).toList();
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
