package dev.imageci.config;

/** Character rules for form values, and how a bad value is shown back to the user. */
final class Text {

  private static final int SHOWN_LENGTH = 60;

  private Text() {}

  /** The first character not allowed in a one-line field, or -1. */
  static int badSingleLineChar(String value) {
    for (int i = 0; i < value.length(); ) {
      if (isPrintableAscii(value.charAt(i))) {
        i++;
        continue;
      }
      int c = value.codePointAt(i);
      if (isInvisibleOrBreaking(c)) {
        return c;
      }
      i += Character.charCount(c);
    }
    return -1;
  }

  /**
   * The first character not allowed in a multi-line field, or -1. Tabs and newlines are fine, and
   * so are format characters such as the zero-width joiner in emoji.
   */
  static int badMultiLineChar(String value) {
    for (int i = 0; i < value.length(); ) {
      if (isPrintableAscii(value.charAt(i))) {
        i++;
        continue;
      }
      int c = value.codePointAt(i);
      int type = Character.getType(c);
      // A lone surrogate cannot be written as UTF-8: the Dockerfile would get '?' instead.
      if (c != '\n'
          && c != '\t'
          && (type == Character.CONTROL || type == Character.SURROGATE || isBidiOrSeparator(c))) {
        return c;
      }
      i += Character.charCount(c);
    }
    return -1;
  }

  // Space to '~': the common case, allowed everywhere, decided without a Unicode table lookup.
  private static boolean isPrintableAscii(char c) {
    return c >= 0x20 && c < 0x7F;
  }

  private static boolean isInvisibleOrBreaking(int c) {
    int type = Character.getType(c);
    return type == Character.CONTROL
        || type == Character.FORMAT
        || type == Character.UNASSIGNED
        || type == Character.SURROGATE
        || isBidiOrSeparator(c);
  }

  // Bidi controls can make a value read differently from how it runs (CVE-2021-42574).
  private static boolean isBidiOrSeparator(int c) {
    return (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069)
        || c == 0x200E
        || c == 0x200F
        || c == 0x061C
        || c == 0x2028
        || c == 0x2029
        || c == 0x85;
  }

  /** Names a character for a message, e.g. {@code U+0000 (NUL)} or {@code U+202E}. */
  static String describeChar(int c) {
    String code = String.format("U+%04X", c);
    return switch (c) {
      case 0 -> code + " (NUL)";
      case '\n' -> code + " (newline)";
      case '\r' -> code + " (carriage return)";
      case 0x2028 -> code + " (line separator)";
      case 0x2029 -> code + " (paragraph separator)";
      default -> code;
    };
  }

  /** A value quoted for a message: escaped so it prints on one line, and shortened. */
  static String show(String value) {
    StringBuilder shown = new StringBuilder("\"");
    int count = 0;
    for (int i = 0; i < value.length() && count < SHOWN_LENGTH; count++) {
      int c = value.codePointAt(i);
      i += Character.charCount(c);
      switch (c) {
        case '"' -> shown.append("\\\"");
        case '\\' -> shown.append("\\\\");
        case '\n' -> shown.append("\\n");
        case '\t' -> shown.append("\\t");
        case '\r' -> shown.append("\\r");
        default -> {
          if (Character.isISOControl(c) || isInvisibleOrBreaking(c)) {
            shown.append(String.format("\\u%04x", c));
          } else {
            shown.appendCodePoint(c);
          }
        }
      }
    }
    if (count < value.codePointCount(0, value.length())) {
      shown.append("...");
    }
    return shown.append('"').toString();
  }

  /** Levenshtein distance, for "did you mean" on unknown field names. */
  static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
