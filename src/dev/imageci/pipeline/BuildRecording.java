package dev.imageci.pipeline;

import java.util.Optional;

/**
 * One attempt as the image history follows it: its tags, perhaps an earlier identical image, and
 * its end. The pipeline calls {@link #finished} exactly once, whatever happens.
 */
public interface BuildRecording extends TagResolver {

  /** Follows nothing: fixed tags only, no reuse, no id. */
  BuildRecording NONE =
      new BuildRecording() {
        @Override
        public String id() {
          return null;
        }

        @Override
        public java.util.List<dev.imageci.image.Tag> resolve(dev.imageci.config.Config config)
            throws TagException {
          return TagResolver.fixedOnly().resolve(config);
        }

        @Override
        public Optional<Reuse> reuseIfUnchanged(boolean force) {
          return Optional.empty();
        }

        @Override
        public void finished(BuildResult result) {}
      };

  /** The history record's id, or null when nothing is recorded. */
  String id();

  /**
   * The earlier image with the same inputs, already given this attempt's tags in the registry, or
   * empty when the image must be built ({@code force}, none found, or no longer in the registry).
   */
  Optional<Reuse> reuseIfUnchanged(boolean force) throws Exception;

  /**
   * The rootfs' sha256, taken on its way to the daemon, for an attempt that started without it;
   * recorded with the end.
   */
  default void rootfsHashed(String sha256) {}

  /** The attempt ended with {@code result}; a failure to record is logged, never thrown. */
  void finished(BuildResult result);
}
