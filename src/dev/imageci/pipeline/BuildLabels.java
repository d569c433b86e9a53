package dev.imageci.pipeline;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCI annotations imageci sets at build time, outside the Dockerfile, so the rendered file
 * stays the same for the same form.
 *
 * <p>Keys: https://github.com/opencontainers/image-spec/blob/main/annotations.md
 */
final class BuildLabels {

  private BuildLabels() {}

  static Map<String, String> of(String configHash, Instant now, Map<String, String> env) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.created", now.truncatedTo(ChronoUnit.SECONDS).toString());
    labels.put("org.opencontainers.image.revision", configHash);
    String buildUrl = env.get("BUILD_URL");
    if (buildUrl != null && !buildUrl.isBlank()) {
      labels.put("org.opencontainers.image.source", buildUrl);
      labels.put("org.opencontainers.image.url", buildUrl);
    }
    return labels;
  }
}
