package dev.imageci.pipeline;

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

/**
 * The image history's view of the registry, through {@link Registry}: digests are read, and a new
 * tag is given to an existing image by putting its manifest's bytes back under the tag, so the tag
 * names the same digest and no layer moves.
 */
public final class RegistryHistoryProbe implements RegistryProbe {

  private final Map<String, String> env;

  /**
   * @param env where registry credentials are looked up ({@link RegistryCredentials})
   */
  public RegistryHistoryProbe(Map<String, String> env) {
    this.env = Map.copyOf(env);
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

  @Override
  public void addTag(String image, String digest, String tag) throws IOException {
    ImageName name = ImageName.parse(image);
    Digest wanted = Digest.parse(digest);
    try {
      Digest tagged = registry(name).addTag(wanted, new Tag(tag));
      if (!tagged.equals(wanted)) {
        throw new IOException(
            "tagging "
                + image
                + "@"
                + digest
                + " as "
                + tag
                + " gave the tag another manifest, "
                + tagged
                + "; the tag does not name the reused image");
      }
    } catch (RegistryException e) {
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
