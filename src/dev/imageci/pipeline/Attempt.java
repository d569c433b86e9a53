package dev.imageci.pipeline;

import dev.imageci.config.Config;
import dev.imageci.image.Tag;
import java.time.Instant;
import java.util.List;

/**
 * One try at building a form, as a {@link BuildObserver} sees it.
 *
 * @param configFile the form's file, as given on the command line
 * @param tags the real tags, after {@link TagResolver} turned {@code auto} into numbers
 */
public record Attempt(
    Config config, String configFile, List<Tag> tags, BuildOptions options, Instant startedAt) {

  public Attempt {
    tags = List.copyOf(tags);
  }
}
