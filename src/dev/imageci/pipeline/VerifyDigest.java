package dev.imageci.pipeline;

import dev.imageci.docker.RegistryException;
import dev.imageci.docker.TagDigests;
import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step: the registry is asked, apart from the daemon, which manifest each tag names now; it must be
 * the digest the push reported.
 */
final class VerifyDigest {

  private static final Logger LOG = LoggerFactory.getLogger(VerifyDigest.class);

  private final TagDigests registry;

  VerifyDigest(TagDigests registry) {
    this.registry = registry;
  }

  void call(ImageName image, List<Tag> tags, Digest pushed)
      throws RegistryException, BuildFailedException {
    for (Tag tag : tags) {
      Optional<Digest> actual = registry.digestOf(tag);
      if (actual.isEmpty()) {
        throw new BuildFailedException(
            "the registry has no " + image + ":" + tag + " right after pushing it");
      }
      if (!actual.get().equals(pushed)) {
        throw new BuildFailedException(
            "the registry says "
                + image
                + ":"
                + tag
                + " is "
                + actual.get()
                + " but the push reported "
                + pushed);
      }
    }
    LOG.info("Registry confirms {} for {}", pushed, tags);
  }
}
