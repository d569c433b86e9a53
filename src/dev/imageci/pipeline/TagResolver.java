package dev.imageci.pipeline;

import dev.imageci.config.Config;
import dev.imageci.image.Tag;
import java.util.List;

/**
 * Turns the form's tags into the real ones: {@code auto} becomes the image's next number. Only the
 * image history knows that number, so its {@link BuildRecording} is the real resolver.
 */
public interface TagResolver {

  /** The real tags for {@code config}; none of them is {@code auto}. */
  List<Tag> resolve(Config config) throws TagException;

  /** Passes fixed tags through and refuses {@code auto}. */
  static TagResolver fixedOnly() {
    return config -> {
      if (config.tags().stream().anyMatch(Tag::isAuto)) {
        throw new TagException(
            "tag: 'auto' needs the image history to pick the next number, and no history is"
                + " configured; give a fixed tag such as \"01\"");
      }
      return config.tags();
    };
  }
}
