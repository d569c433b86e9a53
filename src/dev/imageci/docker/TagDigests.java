package dev.imageci.docker;

import dev.imageci.image.Digest;
import dev.imageci.image.Tag;
import java.util.Optional;

/** Reads which manifest a tag names in one repository. */
public interface TagDigests {

  /** The digest {@code tag} points at now, or empty when there is no such tag. */
  Optional<Digest> digestOf(Tag tag) throws RegistryException;
}
