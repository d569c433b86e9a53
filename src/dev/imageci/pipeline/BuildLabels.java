package dev.imageci.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCI annotations imageci sets at build time, outside the Dockerfile, so the rendered file
 * stays the same for the same form.
 *
 * <p>No {@code org.opencontainers.image.created}: a value that changes every build would make the
 * builder run the label step, and so commit a new image, every time, and a rebuild of unchanged
 * layers would never be fully cached. The image config's own {@code created} and the history say
 * when it was built. Jenkins' {@code BUILD_URL} does change every run; it is kept because it leads
 * from an image to its build log.
 *
 * <p>Keys: https://github.com/opencontainers/image-spec/blob/main/annotations.md
 */
final class BuildLabels {

  private BuildLabels() {}

  static Map<String, String> of(String configHash, Map<String, String> env) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.revision", configHash);
    String buildUrl = env.get("BUILD_URL");
    if (buildUrl != null && !buildUrl.isBlank()) {
      labels.put("org.opencontainers.image.source", buildUrl);
      labels.put("org.opencontainers.image.url", buildUrl);
    }
    return labels;
  }
}
