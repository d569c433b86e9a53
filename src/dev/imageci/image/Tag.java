package dev.imageci.image;

import java.util.regex.Pattern;

/**
 * An image tag. The word {@code auto} asks for the next number in the image's own sequence.
 *
 * <p>Grammar: https://github.com/distribution/reference/blob/main/reference.go ({@code tag}).
 */
public record Tag(String value) {

  private static final Pattern TAG = Pattern.compile("[\\w][\\w.-]{0,127}");
  public static final Tag AUTO = new Tag("auto");

  public Tag {
    if (value == null || !TAG.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "invalid tag '"
              + value
              + "': 1 to 128 letters, digits, '_', '.' or '-', not starting with '.' or '-'");
    }
  }

  public boolean isAuto() {
    return value.equals(AUTO.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
