package dev.imageci.history;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The hash that says whether two builds had the same inputs apart from the rootfs (hashed on its
 * own): the sha256 of the rendered Dockerfile's instructions. Comment lines (the remarks) are left
 * out because they do not change the image.
 */
public final class ConfigHash {

  private ConfigHash() {}

  /**
   * {@code sha256:} and 64 hex digits over the Dockerfile without its comment lines.
   *
   * <p>Limitation: the base image counts by name, not by digest, because resolving it needs the
   * registry; a base that moved under the same tag is reused unless the build is forced.
   */
  public static String of(String dockerfile) {
    StringBuilder instructions = new StringBuilder();
    for (String line : dockerfile.split("\n", -1)) {
      if (!line.stripLeading().startsWith("#")) {
        instructions.append(line).append('\n');
      }
    }
    try {
      byte[] hash =
          MessageDigest.getInstance("SHA-256")
              .digest(instructions.toString().getBytes(StandardCharsets.UTF_8));
      return "sha256:" + HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this Java has no SHA-256", e);
    }
  }
}
