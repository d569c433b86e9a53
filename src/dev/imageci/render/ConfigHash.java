package dev.imageci.render;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that says whether two builds had the same inputs: the sha256 of the rendered
 * Dockerfile's instructions and the rootfs archive's sha256. The image's {@code
 * org.opencontainers.image.revision} label carries it, and the image history looks earlier builds
 * up by it. Comment lines (the remarks) are left out because they do not change the image; tags
 * never reach the Dockerfile.
 */
public final class ConfigHash {

  private ConfigHash() {}

  /**
   * {@code sha256:} and 64 hex digits over the Dockerfile without its comment lines and the rootfs
   * sha256 ({@code null} or empty without a rootfs).
   *
   * <p>Limitation: the base image counts by name, not by digest, because resolving it needs the
   * registry; a base that moved under the same tag is reused unless the build is forced.
   */
  public static String of(String dockerfile, String rootfsSha256) {
    StringBuilder inputs = new StringBuilder();
    for (String line : dockerfile.split("\n", -1)) {
      if (!line.stripLeading().startsWith("#")) {
        inputs.append(line).append('\n');
      }
    }
    inputs.append("rootfs sha256:").append(rootfsSha256 == null ? "" : rootfsSha256).append('\n');
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(inputs.toString().getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no SHA-256", e);
    }
  }
}
