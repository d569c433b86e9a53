package dev.imageci.pipeline;

import dev.imageci.docker.CancelSignal;
import dev.imageci.docker.CancelledException;
import dev.imageci.docker.DockerException;
import dev.imageci.docker.DockerImages;
import dev.imageci.docker.PushRetry;
import dev.imageci.docker.RegistryCredential;
import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Step: every tag is pushed; all must report the same digest. */
final class PushImage {

  private static final Logger LOG = LoggerFactory.getLogger(PushImage.class);

  private final DockerImages docker;
  private final PushRetry retry;
  private final CancelSignal cancel;

  PushImage(DockerImages docker, PushRetry retry, CancelSignal cancel) {
    this.docker = docker;
    this.retry = retry;
    this.cancel = cancel;
  }

  Digest call(ImageName image, List<Tag> tags, RegistryCredential credential)
      throws DockerException, CancelledException, BuildFailedException {
    Digest digest = null;
    for (Tag tag : tags) {
      LOG.info("Pushing {}:{}", image, tag);
      Digest pushed = docker.push(image, tag, credential, retry, cancel);
      if (digest != null && !digest.equals(pushed)) {
        throw new BuildFailedException(
            "pushing " + image + ":" + tag + " gave digest " + pushed + ", other tags " + digest);
      }
      digest = pushed;
    }
    return digest;
  }
}
