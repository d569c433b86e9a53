package dev.imageci.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.AuthConfigurations;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The daemon operations a build needs: build, inspect, smoke test, tag, push, remove. */
public final class DockerImages {

  private static final Logger LOG = LoggerFactory.getLogger(DockerImages.class);

  /** Marks containers imageci starts, so a leftover one can be traced to it. */
  public static final String CONTAINER_LABEL = "dev.imageci.smoke-test";

  private final DockerConnection docker;
  private final DockerClient client;
  private final Consumer<String> output;

  /**
   * @param output receives the daemon's output (build steps, test output, push progress) line by
   *     line
   */
  public DockerImages(DockerConnection docker, Consumer<String> output) {
    this.docker = docker;
    this.client = docker.client();
    this.output = output;
  }

  /**
   * Builds through the classic builder API with {@code context} streamed as the body; returns the
   * image built, as its first tag names it now. Intermediate containers are removed on failure too
   * (forcerm).
   */
  public InspectImageResponse build(InputStream context, BuildSpec spec, CancelSignal cancel)
      throws DockerException, CancelledException {
    BuildStream stream = new BuildStream(output);
    var command =
        client
            .buildImageCmd(context)
            .withTags(new LinkedHashSet<>(spec.tags()))
            .withNoCache(spec.noCache())
            .withPull(spec.pull())
            .withRemove(true)
            .withForcerm(true);
    if (spec.baseCredential() != null) {
      AuthConfigurations auths = new AuthConfigurations();
      auths.addConfig(authConfig(spec.baseCredential()));
      command.withBuildAuthConfigs(auths);
    }
    cancel.register(stream);
    command.exec(stream);
    await(stream, cancel);
    if (stream.error() != null) {
      throw new DockerException(stream.error());
    }
    if (stream.failure() != null) {
      throw interrupted("the build", stream.failure());
    }
    if (stream.imageId() == null) {
      throw lostDaemon("the build", null);
    }
    return confirmBuilt(spec.tags().get(0), stream.imageId());
  }

  // The stream's id is short; the tag must point at the same image, or something else happened.
  private InspectImageResponse confirmBuilt(String tag, String shortId) throws DockerException {
    InspectImageResponse image = inspect(tag);
    String id = image.getId();
    String hex = id.startsWith("sha256:") ? id.substring(7) : id;
    if (!hex.startsWith(shortId)) {
      throw new DockerException(
          "the build reported image " + shortId + " but " + tag + " is image " + id);
    }
    return image;
  }

  private void await(DaemonStream<?> stream, CancelSignal cancel) throws CancelledException {
    try {
      stream.awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel.cancel("interrupted", false);
    } catch (RuntimeException e) {
      // Our callbacks record failures themselves; a rethrow here carries the same one.
    } finally {
      cancel.unregister(stream);
    }
    cancel.check();
  }

  private DockerException interrupted(String what, Throwable failure) {
    if (!docker.isAlive()) {
      return new DaemonUnavailableException(
          "the Docker daemon at "
              + docker.host()
              + " stopped answering during "
              + what
              + " (did it stop or restart?): "
              + DockerErrors.message(failure),
          failure);
    }
    return lostDaemon(what, failure);
  }

  private DaemonUnavailableException lostDaemon(String what, Throwable failure) {
    return new DaemonUnavailableException(
        "the Docker daemon at "
            + docker.host()
            + " ended "
            + what
            + " without a result or an error (did it restart?)"
            + (failure == null ? "" : ": " + DockerErrors.message(failure)),
        failure);
  }

  public InspectImageResponse inspect(String reference) throws DockerException {
    try {
      return client.inspectImageCmd(reference).exec();
    } catch (NotFoundException e) {
      throw new DockerException("image " + reference + " does not exist in the daemon", e);
    } catch (RuntimeException e) {
      throw new DockerException(
          "inspecting image " + reference + " failed: " + DockerErrors.message(e), e);
    }
  }

  /**
   * Runs {@code command} (exec form, replacing the entrypoint) in {@code imageId} with no network,
   * prints its output, and removes the container.
   */
  public SmokeTestResult runTest(String imageId, List<String> command, CancelSignal cancel)
      throws DockerException, CancelledException {
    CreateContainerResponse container;
    try {
      container =
          client
              .createContainerCmd(imageId)
              .withEntrypoint(command)
              .withNetworkDisabled(true)
              .withLabels(Map.of(CONTAINER_LABEL, "true"))
              .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
              .exec();
    } catch (RuntimeException e) {
      throw new DockerException(
          "creating the smoke test container failed: " + DockerErrors.message(e), e);
    }
    try {
      client.startContainerCmd(container.getId()).exec();
      WaitContainerResultCallback waiting = new WaitContainerResultCallback();
      client.waitContainerCmd(container.getId()).exec(waiting);
      cancel.register(waiting);
      long exit;
      try {
        exit = waiting.awaitStatusCode();
      } catch (RuntimeException e) {
        cancel.check();
        throw e;
      } finally {
        cancel.unregister(waiting);
      }
      return new SmokeTestResult(exit, logs(container.getId()));
    } catch (RuntimeException e) {
      throw new DockerException("running the smoke test failed: " + DockerErrors.message(e), e);
    } finally {
      removeContainer(container.getId());
    }
  }

  private String logs(String containerId) {
    StringBuilder text = new StringBuilder();
    LineOutput lines =
        new LineOutput(
            line -> {
              output.accept(line);
              text.append(line).append('\n');
            });
    ResultCallback.Adapter<Frame> frames =
        new ResultCallback.Adapter<>() {
          @Override
          public void onNext(Frame frame) {
            lines.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
          }
        };
    try {
      client
          .logContainerCmd(containerId)
          .withStdOut(true)
          .withStdErr(true)
          .exec(frames)
          .awaitCompletion();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lines.flush();
    return text.toString();
  }

  private void removeContainer(String containerId) {
    try {
      client.removeContainerCmd(containerId).withForce(true).withRemoveVolumes(true).exec();
    } catch (NotFoundException e) {
      // Already gone.
    } catch (RuntimeException e) {
      LOG.warn(
          "Could not remove smoke test container {}: {}; remove it with docker rm -f",
          containerId,
          DockerErrors.message(e));
    }
  }

  /**
   * Pulls {@code name@digest} from its registry (a no-op when the daemon has it); returns the local
   * image id.
   */
  public String pull(ImageName name, Digest digest, RegistryCredential credential)
      throws DockerException {
    String reference = name + "@" + digest;
    try {
      // The Engine API takes a digest in the tag parameter of /images/create.
      var command = client.pullImageCmd(name.toString()).withTag(digest.value());
      if (credential != null) {
        command.withAuthConfig(authConfig(credential));
      }
      command.exec(new PullImageResultCallback()).awaitCompletion();
      return client.inspectImageCmd(reference).exec().getId();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DockerException("pulling " + reference + " was interrupted", e);
    } catch (RuntimeException e) {
      throw new DockerException("pulling " + reference + " failed: " + DockerErrors.message(e), e);
    }
  }

  /** Gives {@code imageId} the tag {@code name:tag}, moving the tag if it existed. */
  public void tag(String imageId, ImageName name, Tag tag) throws DockerException {
    try {
      client.tagImageCmd(imageId, name.toString(), tag.value()).withForce().exec();
    } catch (RuntimeException e) {
      throw new DockerException(
          "tagging " + imageId + " as " + name + ":" + tag + " failed: " + DockerErrors.message(e),
          e);
    }
  }

  /** Removes a tag (and the image, when it was its last tag); missing references are fine. */
  public void remove(String reference) throws DockerException {
    try {
      client.removeImageCmd(reference).exec();
    } catch (NotFoundException e) {
      LOG.debug("{} was already gone", reference);
    } catch (RuntimeException e) {
      throw new DockerException(
          "removing image " + reference + " failed: " + DockerErrors.message(e), e);
    }
  }

  /**
   * Pushes {@code name:tag}, retrying transient failures; returns the digest the daemon reports.
   */
  public Digest push(
      ImageName name, Tag tag, RegistryCredential credential, PushRetry retry, CancelSignal cancel)
      throws DockerException, CancelledException {
    String reference = name + ":" + tag;
    for (int attempt = 1; ; attempt++) {
      PushOutcome outcome = pushOnce(name, tag, credential, cancel);
      if (outcome.digest() != null) {
        return outcome.digest();
      }
      String failure = outcome.failure();
      String message = "pushing " + reference + " failed: " + failure;
      if (DockerErrors.isAuthentication(failure)) {
        throw new DockerException(
            message
                + " (check the credential"
                + (credential == null ? ": none was found" : " " + credential.source())
                + ")");
      }
      if (!DockerErrors.isTransient(failure) || attempt >= retry.attempts()) {
        throw new DockerException(
            attempt > 1 ? message + " (gave up after " + attempt + " attempts)" : message);
      }
      Duration delay = retry.delayBefore(attempt + 1);
      LOG.warn("Push of {} failed: {}; retrying in {} s", reference, failure, delay.toSeconds());
      sleep(delay, cancel);
    }
  }

  /** One push attempt: a digest, or why there is none. */
  private record PushOutcome(Digest digest, String failure) {
    static PushOutcome failed(String why) {
      return new PushOutcome(null, why);
    }
  }

  private PushOutcome pushOnce(
      ImageName name, Tag tag, RegistryCredential credential, CancelSignal c)
      throws CancelledException, DockerException {
    PushStream stream = new PushStream(output);
    var command = client.pushImageCmd(name.toString()).withTag(tag.value());
    if (credential != null) {
      command.withAuthConfig(authConfig(credential));
    }
    c.register(stream);
    try {
      command.exec(stream);
    } catch (RuntimeException e) {
      c.unregister(stream);
      return PushOutcome.failed(DockerErrors.message(e));
    }
    await(stream, c);
    if (stream.error() != null) {
      return PushOutcome.failed(stream.error());
    }
    if (stream.failure() != null) {
      if (!docker.isAlive()) {
        throw interrupted("the push", stream.failure());
      }
      return PushOutcome.failed(DockerErrors.message(stream.failure()));
    }
    if (stream.digest() == null) {
      return PushOutcome.failed("the daemon ended the push without reporting a digest");
    }
    return new PushOutcome(Digest.parse(stream.digest()), null);
  }

  private static void sleep(Duration delay, CancelSignal cancel) throws CancelledException {
    long end = System.nanoTime() + delay.toNanos();
    while (System.nanoTime() < end) {
      cancel.check();
      try {
        Thread.sleep(Math.min(200, Math.max(1, (end - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        cancel.cancel("interrupted", false);
      }
    }
    cancel.check();
  }

  static AuthConfig authConfig(RegistryCredential credential) {
    AuthConfig auth = new AuthConfig().withRegistryAddress(credential.registry());
    if (credential.isIdentityToken()) {
      return auth.withIdentityToken(credential.secret());
    }
    return auth.withUsername(credential.username()).withPassword(credential.secret());
  }
}
