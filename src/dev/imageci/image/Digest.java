package dev.imageci.image;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest such as {@code sha256:} followed by 64 hex digits. */
public record Digest(String value) {

  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  public Digest {
    if (value == null || !SHA256.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "invalid digest '" + value + "': expected sha256: and 64 lowercase hex digits");
    }
  }

  public static Digest parse(String text) {
    return new Digest(text);
  }

  /** The sha256 digest of {@code content}, such as a manifest's bytes. */
  public static Digest of(byte[] content) {
    try {
      return new Digest(
          "sha256:"
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }

  /** The first 12 hex digits, as docker shows image ids. */
  public String shortHex() {
    return value.substring(7, 19);
  }

  @Override
  public String toString() {
    return value;
  }
}
