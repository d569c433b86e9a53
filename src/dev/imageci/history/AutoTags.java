package dev.imageci.history;

/** The text of automatic tags: two digits and up, {@code 01}, {@code 02}, ... {@code 100}. */
public final class AutoTags {

  /** The word in a config that asks for the next number. */
  public static final String AUTO = "auto";

  private AutoTags() {}

  public static String format(long number) {
    if (number < 1) {
      throw new IllegalArgumentException("tag numbers start at 1 (got " + number + ")");
    }
    return String.format(java.util.Locale.ROOT, "%02d", number);
  }
}
