package dev.imageci.image;

/**
 * An image tag. The word {@code auto} asks for the next number in the image's own sequence.
 *
 * <p>Grammar: https://github.com/distribution/reference/blob/main/reference.go ({@code tag}).
 */
public record Tag(String value) {

  public static final Tag AUTO = new Tag("auto");

  public Tag {
    if (value == null || !ReferenceGrammar.isTag(value)) {
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
