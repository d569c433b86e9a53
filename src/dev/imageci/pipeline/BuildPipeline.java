package dev.imageci.pipeline;

import com.github.dockerjava.api.command.InspectImageResponse;
import dev.imageci.config.Config;
import dev.imageci.context.PreparedRootfs;
import dev.imageci.context.RootfsPolicy;
import dev.imageci.docker.CancelSignal;
import dev.imageci.docker.CancelledException;
import dev.imageci.docker.DaemonUnavailableException;
import dev.imageci.docker.DockerException;
import dev.imageci.docker.DockerImages;
import dev.imageci.docker.PushRetry;
import dev.imageci.docker.Registry;
import dev.imageci.docker.RegistryCredential;
import dev.imageci.docker.RegistryCredentials;
import dev.imageci.image.Digest;
import dev.imageci.image.Tag;
import dev.imageci.render.ConfigHash;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one build: render the Dockerfile, prepare the rootfs, build the image, smoke test it, tag
 * it, push it and verify the digest; or, when an earlier build had the same inputs, reuse its
 * image. Every outcome, including a cancel, ends in a {@link BuildResult}; the observer hears of
 * each attempt before the daemon does and is told how it ended.
 */
public final class BuildPipeline {

  private static final Logger LOG = LoggerFactory.getLogger(BuildPipeline.class);

  private final Daemon daemon;
  private final RootfsPolicy rootfsPolicy;
  private final BuildObserver observer;
  private final Map<String, String> env;
  private final PushRetry pushRetry;
  private final CancelSignal cancel;
  private final Clock clock;

  public BuildPipeline(
      DockerImages docker,
      RootfsPolicy rootfsPolicy,
      BuildObserver observer,
      Map<String, String> env,
      PushRetry pushRetry,
      CancelSignal cancel,
      Clock clock) {
    this(() -> docker, rootfsPolicy, observer, env, pushRetry, cancel, clock);
  }

  /**
   * @param daemon asked for the daemon when a step first needs it: a reused build never does, so it
   *     needs neither the daemon nor the wait for its client
   */
  public BuildPipeline(
      Daemon daemon,
      RootfsPolicy rootfsPolicy,
      BuildObserver observer,
      Map<String, String> env,
      PushRetry pushRetry,
      CancelSignal cancel,
      Clock clock) {
    this.daemon = daemon;
    this.rootfsPolicy = rootfsPolicy;
    this.observer = observer;
    this.env = Map.copyOf(env);
    this.pushRetry = pushRetry;
    this.cancel = cancel;
    this.clock = clock;
  }

  /**
   * One timer thread for every build in this JVM (a resident process runs many): a thread per build
   * cost milliseconds to start, on a machine whose other core is busy with the daemon.
   */
  private static final ScheduledThreadPoolExecutor TIMEOUTS = timeouts();

  private static ScheduledThreadPoolExecutor timeouts() {
    ScheduledThreadPoolExecutor timeouts =
        new ScheduledThreadPoolExecutor(
            1,
            task -> {
              Thread thread = new Thread(task, "imageci-timeout");
              thread.setDaemon(true);
              return thread;
            });
    timeouts.setRemoveOnCancelPolicy(true); // an ended build's timer holds nothing for an hour
    return timeouts;
  }

  /** Runs the build of {@code config}; {@code configText} is the form as given, for the history. */
  public BuildResult run(Config config, String configText, BuildOptions options) {
    Run run = new Run(config, configText, options);
    ScheduledFuture<?> timeout =
        TIMEOUTS.schedule(
            () -> cancel.cancel("timed out after " + options.timeout().toMinutes() + "m", true),
            options.timeout().toMillis(),
            TimeUnit.MILLISECONDS);
    BuildResult result;
    try {
      result = run.steps();
    } finally {
      timeout.cancel(false);
    }
    return run.record(result);
  }

  private BuildRecording observed(Attempt attempt) {
    try {
      return observer.started(attempt);
    } catch (RuntimeException e) {
      LOG.warn("The build observer failed: {}; the build goes on unrecorded", e.toString());
      return BuildRecording.NONE;
    }
  }

  /** The state of one run: stage times and what exists so far, for the result and cleanup. */
  private final class Run {
    private final Config config;
    private final String configText;
    private final BuildOptions options;
    private final Instant startedAt = clock.instant();
    private final Map<String, Long> stages = new LinkedHashMap<>();
    // Only a smoke-tested image is built under a temporary tag, so that a failed test leaves the
    // real tags alone; any other build gets its real tags from the builder, in the same request.
    private final String temporaryTag;
    private BuildRecording recording;
    private PreparedRootfs rootfs;
    private String dockerfile;
    private List<Tag> tags;
    private String imageId;
    private Long size;
    private Digest digest;
    private boolean temporaryTagLeft;

    Run(Config config, String configText, BuildOptions options) {
      this.config = config;
      this.configText = configText;
      this.options = options;
      this.tags = config.tags();
      this.temporaryTag =
          config.test().isEmpty() ? null : config.image() + ":imageci-build-" + UUID.randomUUID();
    }

    BuildResult steps() {
      try {
        dockerfile = stage("render", () -> new RenderDockerfile().call(config));
        try (PreparedRootfs prepared =
            stage(
                "rootfs", () -> new PrepareRootfs(rootfsPolicy).call(config, options.mayReuse()))) {
          rootfs = prepared;
          start(prepared);
          Optional<Reuse> reuse =
              options.mayReuse() ? stage("reuse", this::reuse) : Optional.empty();
          if (reuse.isPresent()) {
            return reused(reuse.get());
          }
          tags = stage("tags", () -> recording.resolve(config));
          buildAndTest();
        }
        if (temporaryTag != null) {
          stage("tag", () -> tag(tags));
        }
        if (options.push()) {
          pushAndVerify(tags);
        }
        return result(BuildStatus.SUCCEEDED, null, false);
      } catch (CancelledException e) {
        LOG.warn("Build cancelled: {}", e.getMessage());
        return result(BuildStatus.CANCELLED, e.getMessage(), e.timedOut());
      } catch (Exception e) {
        return result(BuildStatus.FAILED, message(e), false);
      } finally {
        if (temporaryTagLeft) {
          removeQuietly(temporaryTag);
        }
      }
    }

    /** The history hears of the attempt before the daemon does, so a killed build leaves a mark. */
    // Limitation: a kill during the rootfs download leaves no record, because reuse needs its hash.
    private void start(PreparedRootfs prepared) {
      recording =
          observed(
              new Attempt(
                  config,
                  configText,
                  dockerfile,
                  prepared == null ? null : prepared.sha256(),
                  prepared == null ? null : prepared.size(),
                  options,
                  startedAt));
    }

    private Optional<Reuse> reuse() throws Exception {
      return recording.reuseIfUnchanged(false);
    }

    private BuildResult reused(Reuse reuse) {
      tags = reuse.tags();
      digest = reuse.digest();
      imageId = reuse.imageId();
      size = reuse.size();
      LOG.info("Nothing changed since the build of {}; reused it", digest);
      return result(BuildStatus.REUSED, null, false);
    }

    /** Ends the attempt in the history, starting it first when it failed before it started. */
    BuildResult record(BuildResult result) {
      if (recording == null) {
        start(null);
      }
      try {
        if (rootfs != null && rootfs.hashedOnTheWay() && rootfs.sha256() != null) {
          recording.rootfsHashed(rootfs.sha256());
        }
        recording.finished(result);
      } catch (RuntimeException e) {
        LOG.warn("The build could not be recorded: {}", e.toString());
      }
      return result.withHistoryId(recording.id());
    }

    private void buildAndTest() throws Exception {
      RegistryCredentials credentials =
          new RegistryCredentials(env, config.image().registryOrDefault());
      RegistryCredential base =
          config.from().isScratch()
              ? null
              : credentials.find(config.from().name().registryOrDefault()).orElse(null);
      List<String> references =
          temporaryTag != null
              ? List.of(temporaryTag)
              : tags.stream().map(tag -> config.image() + ":" + tag).toList();
      temporaryTagLeft = temporaryTag != null;
      InspectImageResponse built =
          stage(
              "build",
              () ->
                  new BuildImage(daemon.images(), cancel)
                      .call(
                          config,
                          dockerfile,
                          sha256 -> BuildLabels.of(ConfigHash.of(dockerfile, sha256), env),
                          rootfs,
                          BuildImage.spec(references, options, base)));
      imageId = built.getId();
      size = built.getSize();
      if (!config.test().isEmpty()) {
        stage(
            "test",
            () -> {
              new RunSmokeTest(daemon.images(), cancel).call(config, imageId);
              return null;
            });
      }
    }

    private Void tag(List<Tag> tags) throws Exception {
      cancel.check();
      new TagImage(daemon.images()).call(imageId, config.image(), tags, temporaryTag);
      temporaryTagLeft = false;
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
                  new PushImage(daemon.images(), pushRetry, cancel)
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
          daemon.images().remove(config.image() + ":" + tag);
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
        daemon.images().remove(reference);
      } catch (DockerException e) {
        LOG.warn("Could not remove {}: {}", reference, e.getMessage());
      }
    }

    private BuildResult result(BuildStatus status, String error, boolean timeout) {
      return new BuildResult(
          config.image(), tags, digest, imageId, size, status, error, timeout, stages, null);
    }
  }

  private static String message(Exception e) {
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  /** Where the pipeline gets the daemon from, once a step needs it. */
  @FunctionalInterface
  public interface Daemon {
    DockerImages images() throws DaemonUnavailableException;
  }

  @FunctionalInterface
  private interface Step<T> {
    T call() throws Exception;
  }
}
