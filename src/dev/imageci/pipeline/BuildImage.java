package dev.imageci.pipeline;

import com.github.dockerjava.api.command.InspectImageResponse;
import dev.imageci.config.Config;
import dev.imageci.context.BuildContext;
import dev.imageci.context.PreparedRootfs;
import dev.imageci.context.RootfsException;
import dev.imageci.docker.BuildSpec;
import dev.imageci.docker.CancelSignal;
import dev.imageci.docker.CancelledException;
import dev.imageci.docker.DockerException;
import dev.imageci.docker.DockerImages;
import dev.imageci.docker.RegistryCredential;
import dev.imageci.render.DockerfileRenderer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Step: the daemon builds the image under the references given, reading the streamed context; a
 * rootfs refused while it streams fails the step with the rootfs' message.
 */
final class BuildImage {

  private final DockerImages docker;
  private final CancelSignal cancel;

  BuildImage(DockerImages docker, CancelSignal cancel) {
    this.docker = docker;
    this.cancel = cancel;
  }

  /**
   * Returns the image built.
   *
   * @param dockerfile the rendered Dockerfile
   * @param labels the build labels for the rootfs' sha256 (null without a rootfs), asked for once
   *     the rootfs has gone out, so a rootfs hashed on the way has its sha256 by then
   * @throws RootfsException when the rootfs fails its checks on the way to the daemon; the context
   *     then ends without a Dockerfile, so the daemon ran no step
   */
  InspectImageResponse call(
      Config config,
      String dockerfile,
      Function<String, Map<String, String>> labels,
      PreparedRootfs rootfs,
      BuildSpec spec)
      throws DockerException, CancelledException, RootfsException {
    String name = rootfs == null ? null : DockerfileRenderer.rootfsContextName(config.rootfs());
    UnaryOperator<String> sent =
        sha256 -> DockerfileRenderer.withLabels(dockerfile, labels.apply(sha256));
    try (BuildContext.Stream tar = BuildContext.of(sent, rootfs, name).open()) {
      InspectImageResponse image;
      try {
        image = docker.build(tar, spec, cancel);
      } catch (DockerException e) {
        tar.throwIfRootfsRefused(); // the daemon's view of it (a cut stream) says less
        throw e;
      }
      tar.throwIfRootfsRefused();
      return image;
    } catch (IOException e) {
      throw new DockerException("closing the build context failed: " + e.getMessage(), e);
    }
  }

  static BuildSpec spec(
      List<String> references, BuildOptions options, RegistryCredential baseCredential) {
    return new BuildSpec(references, options.noCache(), options.pull(), baseCredential);
  }
}
