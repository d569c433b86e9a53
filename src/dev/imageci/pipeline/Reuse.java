package dev.imageci.pipeline;

import dev.imageci.image.Digest;
import dev.imageci.image.Tag;
import java.util.List;

/**
 * An earlier build's image that an unchanged attempt ends with instead of building.
 *
 * @param tags this attempt's tags, each now naming {@code digest} in the registry
 */
public record Reuse(List<Tag> tags, Digest digest, String imageId, Long size) {

  public Reuse {
    tags = List.copyOf(tags);
  }
}
