package dev.imageci.pipeline;

import dev.imageci.config.Config;
import dev.imageci.context.BuildContext;
import dev.imageci.context.PreparedRootfs;
import dev.imageci.docker.BuildSpec;
import dev.imageci.docker.CancelSignal;
import dev.imageci.docker.CancelledException;
import dev.imageci.docker.DockerException;
import dev.imageci.docker.DockerImages;
import dev.imageci.docker.RegistryCredential;
import dev.imageci.render.DockerfileRenderer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/** Step: the daemon builds the image under a temporary tag, reading the streamed context. */
final class BuildImage {

  private final DockerImages docker;
  private final CancelSignal cancel;

  BuildImage(DockerImages docker, CancelSignal cancel) {
    this.docker = docker;
    this.cancel = cancel;
  }

  /** Returns the image id. */
  String call(Config config, String dockerfile, PreparedRootfs rootfs, BuildSpec spec)
      throws DockerException, CancelledException, IOException {
    BuildContext context =
        rootfs == null
            ? new BuildContext(dockerfile, null, null)
            : new BuildContext(
                dockerfile, rootfs.file(), DockerfileRenderer.rootfsContextName(config.rootfs()));
    try (InputStream tar = context.open()) {
      return docker.build(tar, spec, cancel);
    }
  }

  static BuildSpec spec(
      String temporaryTag,
      BuildOptions options,
      Map<String, String> labels,
      RegistryCredential baseCredential) {
    return new BuildSpec(temporaryTag, options.noCache(), options.pull(), labels, baseCredential);
  }
}
