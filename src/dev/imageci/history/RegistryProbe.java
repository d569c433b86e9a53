package dev.imageci.history;

import java.io.IOException;
import java.util.Optional;

/**
 * What the history needs to ask the registry: the build runner adapts its registry client to this.
 * Credentials stay inside the implementation; nothing here carries them.
 */
public interface RegistryProbe {

  /** The manifest digest the tag points at now, or empty when the tag does not exist. */
  Optional<String> digestOf(String image, String tag) throws IOException;

  /** Whether the registry still holds a manifest with this digest. */
  boolean hasManifest(String image, String digest) throws IOException;

  /** Points {@code tag} at the existing manifest {@code digest}, without building anything. */
  void addTag(String image, String digest, String tag) throws IOException;
}
