package dev.imageci.pipeline;

import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a build produced, or how far it got.
 *
 * @param digest the pushed manifest digest, or null when not pushed
 * @param imageId the local image id, or null when the build did not get that far
 * @param size the image size in bytes, or null
 * @param error what went wrong, or null
 * @param timedOut true when {@code CANCELLED} because of {@code --timeout}
 * @param stages milliseconds per stage, in the order they ran
 * @param historyId the image history's record of this attempt, or null when none was written
 */
public record BuildResult(
    ImageName image,
    List<Tag> tags,
    Digest digest,
    String imageId,
    Long size,
    BuildStatus status,
    String error,
    boolean timedOut,
    Map<String, Long> stages,
    String historyId) {

  public BuildResult {
    tags = List.copyOf(tags);
    stages = Collections.unmodifiableMap(new LinkedHashMap<>(stages));
  }

  /** This result, recorded in the history as {@code id}. */
  public BuildResult withHistoryId(String id) {
    return new BuildResult(image, tags, digest, imageId, size, status, error, timedOut, stages, id);
  }
}
