package dev.imageci.pipeline;

import dev.imageci.docker.CancelSignal;
import dev.imageci.docker.CancelledException;
import dev.imageci.docker.DockerException;
import dev.imageci.docker.DockerImages;
import dev.imageci.docker.PushRetry;
import dev.imageci.docker.Registry;
import dev.imageci.docker.RegistryCredential;
import dev.imageci.docker.RegistryCredentials;
import dev.imageci.docker.RegistryException;
import dev.imageci.history.RegistryProbe;
import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.io.IOException;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The image history's view of the registry: digests are read with Jib core's registry client, and a
 * new tag is given to an existing image through the daemon (pull by digest, tag, push), which
 * re-creates the very same manifest bytes, so the tag names the same digest.
 */
public final class RegistryHistoryProbe implements RegistryProbe {

  private static final Logger LOG = LoggerFactory.getLogger(RegistryHistoryProbe.class);

  private final Map<String, String> env;
  private final DockerImages docker;
  private final PushRetry retry;
  private final CancelSignal cancel;

  /**
   * @param docker the daemon, for {@link #addTag}; null where only digests are read ({@code imageci
   *     history flush})
   */
  public RegistryHistoryProbe(
      Map<String, String> env, DockerImages docker, PushRetry retry, CancelSignal cancel) {
    this.env = Map.copyOf(env);
    this.docker = docker;
    this.retry = retry;
    this.cancel = cancel;
  }

  @Override
  public Optional<String> digestOf(String image, String tag) throws IOException {
    ImageName name = ImageName.parse(image);
    try {
      return registry(name).digestOf(new Tag(tag)).map(Digest::value);
    } catch (RegistryException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  @Override
  public boolean hasManifest(String image, String digest) throws IOException {
    ImageName name = ImageName.parse(image);
    try {
      return registry(name).hasManifest(Digest.parse(digest));
    } catch (RegistryException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  // Limitation: the pull downloads the layers on an agent without them, because Jib core cannot
  // put a manifest's raw bytes (Registry.addTag re-serializes it and so changes the digest).
  @Override
  public void addTag(String image, String digest, String tag) throws IOException {
    if (docker == null) {
      throw new IOException("adding tag " + tag + " to " + image + " needs the Docker daemon");
    }
    ImageName name = ImageName.parse(image);
    Digest wanted = Digest.parse(digest);
    Tag newTag = new Tag(tag);
    try {
      Optional<RegistryCredential> credential = credential(name);
      String imageId = docker.pull(name, wanted, credential.orElse(null));
      docker.tag(imageId, name, newTag);
      Digest pushed = docker.push(name, newTag, credential.orElse(null), retry, cancel);
      if (!pushed.equals(wanted)) {
        throw new IOException(
            "tagging "
                + image
                + "@"
                + digest
                + " as "
                + tag
                + " pushed another manifest, "
                + pushed
                + "; the tag does not name the reused image");
      }
      LOG.info("Tagged {}@{} as {} in the registry", image, digest, tag);
    } catch (DockerException | CancelledException e) {
      throw new IOException(e.getMessage(), e);
    }
  }

  private Registry registry(ImageName name) throws IOException {
    return new Registry(name, credential(name));
  }

  private Optional<RegistryCredential> credential(ImageName name) throws IOException {
    String host = name.registryOrDefault();
    try {
      return new RegistryCredentials(env, host).find(host);
    } catch (dev.imageci.docker.CredentialException e) {
      throw new IOException(e.getMessage(), e);
    }
  }
}
