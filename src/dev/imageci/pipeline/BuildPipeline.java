package dev.imageci.pipeline;

import dev.imageci.config.Config;
import dev.imageci.context.PreparedRootfs;
import dev.imageci.context.RootfsPolicy;
import dev.imageci.docker.CancelSignal;
import dev.imageci.docker.CancelledException;
import dev.imageci.docker.DockerException;
import dev.imageci.docker.DockerImages;
import dev.imageci.docker.PushRetry;
import dev.imageci.docker.Registry;
import dev.imageci.docker.RegistryCredential;
import dev.imageci.docker.RegistryCredentials;
import dev.imageci.image.Digest;
import dev.imageci.image.Tag;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one build: render the Dockerfile, prepare the rootfs, build the image, smoke test it, tag
 * it, push it and verify the digest. Every outcome, including a cancel, ends in a {@link
 * BuildResult}; the observer hears the start and the end.
 */
public final class BuildPipeline {

  private static final Logger LOG = LoggerFactory.getLogger(BuildPipeline.class);

  private final DockerImages docker;
  private final RootfsPolicy rootfsPolicy;
  private final TagResolver tagResolver;
  private final BuildObserver observer;
  private final Map<String, String> env;
  private final PushRetry pushRetry;
  private final CancelSignal cancel;
  private final Clock clock;

  public BuildPipeline(
      DockerImages docker,
      RootfsPolicy rootfsPolicy,
      TagResolver tagResolver,
      BuildObserver observer,
      Map<String, String> env,
      PushRetry pushRetry,
      CancelSignal cancel,
      Clock clock) {
    this.docker = docker;
    this.rootfsPolicy = rootfsPolicy;
    this.tagResolver = tagResolver;
    this.observer = observer;
    this.env = Map.copyOf(env);
    this.pushRetry = pushRetry;
    this.cancel = cancel;
    this.clock = clock;
  }

  public BuildResult run(Config config, String configFile, BuildOptions options) {
    Run run = new Run(config, options);
    List<Tag> tags;
    try {
      tags = tagResolver.resolve(config);
    } catch (TagException e) {
      return run.failed(config.tags(), e.getMessage());
    }
    Attempt attempt = new Attempt(config, configFile, tags, options, clock.instant());
    notify(() -> observer.started(attempt));
    ScheduledExecutorService timer = startTimer(options);
    BuildResult result;
    try {
      result = run.steps(tags);
    } finally {
      timer.shutdownNow();
    }
    BuildResult finished = result;
    notify(() -> observer.finished(attempt, finished));
    return finished;
  }

  private ScheduledExecutorService startTimer(BuildOptions options) {
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "imageci-timeout");
              thread.setDaemon(true);
              return thread;
            });
    long millis = options.timeout().toMillis();
    timer.schedule(
        () -> cancel.cancel("timed out after " + options.timeout().toMinutes() + "m", true),
        millis,
        TimeUnit.MILLISECONDS);
    return timer;
  }

  private static void notify(Runnable call) {
    try {
      call.run();
    } catch (RuntimeException e) {
      LOG.warn("The build observer failed: {}; the build goes on", e.toString());
    }
  }

  /** The state of one run: stage times and what exists so far, for the result and cleanup. */
  private final class Run {
    private final Config config;
    private final BuildOptions options;
    private final Map<String, Long> stages = new LinkedHashMap<>();
    private final String temporaryTag;
    private String imageId;
    private Long size;
    private Digest digest;

    Run(Config config, BuildOptions options) {
      this.config = config;
      this.options = options;
      this.temporaryTag = config.image() + ":imageci-build-" + UUID.randomUUID();
    }

    BuildResult steps(List<Tag> tags) {
      try {
        String dockerfile = stage("render", () -> new RenderDockerfile().call(config));
        try (PreparedRootfs rootfs =
            stage("rootfs", () -> new PrepareRootfs(rootfsPolicy).call(config))) {
          buildAndTest(dockerfile, rootfs);
        }
        stage("tag", () -> tag(tags));
        if (options.push()) {
          pushAndVerify(tags);
        }
        return result(tags, BuildStatus.SUCCEEDED, null, false);
      } catch (CancelledException e) {
        LOG.warn("Build cancelled: {}", e.getMessage());
        return result(tags, BuildStatus.CANCELLED, e.getMessage(), e.timedOut());
      } catch (Exception e) {
        return result(tags, BuildStatus.FAILED, message(e), false);
      } finally {
        removeQuietly(temporaryTag);
      }
    }

    private void buildAndTest(String dockerfile, PreparedRootfs rootfs) throws Exception {
      String rootfsSha256 = rootfs == null ? "" : rootfs.sha256();
      Map<String, String> labels = BuildLabels.of(config, rootfsSha256, clock.instant(), env);
      RegistryCredentials credentials =
          new RegistryCredentials(env, config.image().registryOrDefault());
      RegistryCredential base =
          config.from().isScratch()
              ? null
              : credentials.find(config.from().name().registryOrDefault()).orElse(null);
      imageId =
          stage(
              "build",
              () ->
                  new BuildImage(docker, cancel)
                      .call(
                          config,
                          dockerfile,
                          rootfs,
                          BuildImage.spec(temporaryTag, options, labels, base)));
      size = docker.inspect(imageId).getSize();
      if (!config.test().isEmpty()) {
        stage(
            "test",
            () -> {
              new RunSmokeTest(docker, cancel).call(config, imageId);
              return null;
            });
      }
    }

    private Void tag(List<Tag> tags) throws Exception {
      cancel.check();
      new TagImage(docker).call(imageId, config.image(), tags, temporaryTag);
      return null;
    }

    private void pushAndVerify(List<Tag> tags) throws Exception {
      RegistryCredentials credentials =
          new RegistryCredentials(env, config.image().registryOrDefault());
      Optional<RegistryCredential> credential =
          credentials.findAndLog(config.image().registryOrDefault());
      digest =
          stage(
              "push",
              () ->
                  new PushImage(docker, pushRetry, cancel)
                      .call(config.image(), tags, credential.orElse(null)));
      stage(
          "verify",
          () -> {
            new VerifyDigest(new Registry(config.image(), credential))
                .call(config.image(), tags, digest);
            return null;
          });
      if (options.removeAfterPush()) {
        for (Tag tag : tags) {
          docker.remove(config.image() + ":" + tag);
        }
        LOG.info("Removed the local image after the push");
      }
    }

    private <T> T stage(String name, Step<T> step) throws Exception {
      cancel.check();
      long start = System.nanoTime();
      try {
        return step.call();
      } finally {
        stages.put(name, (System.nanoTime() - start) / 1_000_000);
      }
    }

    private void removeQuietly(String reference) {
      try {
        docker.remove(reference);
      } catch (DockerException e) {
        LOG.warn("Could not remove {}: {}", reference, e.getMessage());
      }
    }

    BuildResult failed(List<Tag> tags, String error) {
      return result(tags, BuildStatus.FAILED, error, false);
    }

    private BuildResult result(List<Tag> tags, BuildStatus status, String error, boolean timeout) {
      return new BuildResult(
          config.image(), tags, digest, imageId, size, status, error, timeout, stages);
    }
  }

  private static String message(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  @FunctionalInterface
  private interface Step<T> {
    T call() throws Exception;
  }
}
