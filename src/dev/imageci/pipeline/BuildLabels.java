package dev.imageci.pipeline;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The OCI annotations imageci sets at build time, outside the rendered Dockerfile, so that file
 * stays the same for the same form: they are a last {@code LABEL} line of the Dockerfile the build
 * context carries, written after the rootfs (see {@link BuildImage}).
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

  /** Build URLs longer than this are left out: no browser or Jenkins makes one. */
  static final int MAX_URL_LENGTH = 8192;

  static Map<String, String> of(String configHash, Map<String, String> env) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("org.opencontainers.image.revision", configHash);
    String buildUrl = env.get("BUILD_URL");
    if (buildUrl != null && !buildUrl.isBlank() && buildUrl.length() <= MAX_URL_LENGTH) {
      String url = printable(buildUrl.strip());
      labels.put("org.opencontainers.image.source", url);
      labels.put("org.opencontainers.image.url", url);
    }
    return labels;
  }

  /**
   * The URL with every byte outside printable ASCII percent-encoded (UTF-8), as a URL has them: no
   * value from the environment can break the Dockerfile line it goes into.
   */
  static String printable(String url) {
    StringBuilder out = new StringBuilder(url.length());
    for (byte b : url.getBytes(StandardCharsets.UTF_8)) {
      if (b > 0x20 && b < 0x7f) {
        out.append((char) b);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
