package dev.imageci.history;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides whether a build can be skipped: an earlier succeeded (or reused) build of the same image
 * had the same config hash and rootfs sha256, and its digest is still in the registry. Then the new
 * tags are added to that manifest instead of building.
 */
public final class ReuseDecision {

  private final HistoryStore store;
  private final RegistryProbe probe;

  public ReuseDecision(HistoryStore store, RegistryProbe probe) {
    this.store = store;
    this.probe = probe;
  }

  /** The earlier build to reuse, or empty when the image must be built ({@code force} or none). */
  public Optional<BuildRecord> candidate(
      String image, String configHash, String rootfsSha256, boolean force)
      throws HistoryException, IOException {
    if (force) {
      return Optional.empty();
    }
    Optional<BuildRecord> earlier = store.latestReusable(image, configHash, rootfsSha256);
    if (earlier.isEmpty() || !probe.hasManifest(image, earlier.get().digest())) {
      return Optional.empty();
    }
    return earlier;
  }

  /**
   * The tags a reuse ends with: the requested ones, where {@code auto} stands for the earlier
   * build's automatic tag, or for a newly allocated number when it had none.
   */
  public List<String> tags(BuildRecord earlier, List<String> requested) throws HistoryException {
    List<String> tags = new ArrayList<>();
    for (String tag : requested) {
      if (!tag.equals(AutoTags.AUTO)) {
        tags.add(tag);
      } else if (earlier.autoTag() != null) {
        tags.add(earlier.autoTag());
      } else {
        tags.add(AutoTags.format(store.nextTagNumber(earlier.image())));
      }
    }
    return tags;
  }

  /** Points every tag that does not already name the earlier digest at it; returns those. */
  public List<String> addMissingTags(BuildRecord earlier, List<String> tags) throws IOException {
    List<String> added = new ArrayList<>();
    for (String tag : tags) {
      Optional<String> now = probe.digestOf(earlier.image(), tag);
      if (!now.equals(Optional.of(earlier.digest()))) {
        probe.addTag(earlier.image(), earlier.digest(), tag);
        added.add(tag);
      }
    }
    return added;
  }
}
