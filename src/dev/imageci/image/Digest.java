package dev.imageci.image;

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

  /** The first 12 hex digits, as docker shows image ids. */
  public String shortHex() {
    return value.substring(7, 19);
  }

  @Override
  public String toString() {
    return value;
  }
}
