package dev.imageci.image;

/**
 * The image reference grammar of distribution/reference (reference.go), matched by hand: names and
 * tags are checked for every form read, where a regular expression would allocate a matcher each
 * time. Each method names the expression it matches; ReferenceGrammarTest checks it against that
 * expression.
 */
final class ReferenceGrammar {

  private ReferenceGrammar() {}

  /**
   * {@code COMPONENT(?:/COMPONENT)*} with COMPONENT {@code
   * [a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*}: a repository path.
   */
  static boolean isPath(String path) {
    int start = 0;
    while (true) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      if (!isComponent(path, start, end)) {
        return false;
      }
      if (slash < 0) {
        return true;
      }
      start = slash + 1;
    }
  }

  // Lowercase letters and digits, joined by one '.', one '_', two '_' or any number of '-'.
  private static boolean isComponent(String text, int start, int end) {
    if (start == end || !isLowerAlnum(text.charAt(start)) || !isLowerAlnum(text.charAt(end - 1))) {
      return false;
    }
    int i = start;
    while (i < end) {
      if (isLowerAlnum(text.charAt(i))) {
        i++;
        continue;
      }
      int separator = i;
      while (i < end && !isLowerAlnum(text.charAt(i))) {
        i++;
      }
      if (!isSeparator(text, separator, i)) {
        return false;
      }
    }
    return true;
  }

  private static boolean isSeparator(String text, int start, int end) {
    String separator = text.substring(start, end);
    if (separator.equals(".") || separator.equals("_") || separator.equals("__")) {
      return true;
    }
    for (int i = 0; i < separator.length(); i++) {
      if (separator.charAt(i) != '-') {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code LABEL(?:\.LABEL)*(?::[0-9]+)?} with LABEL {@code
   * [a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?}, or {@code \[[0-9a-fA-F:.]+\](?::[0-9]+)?}: a
   * registry host with an optional port.
   */
  static boolean isDomain(String domain) {
    if (domain.startsWith("[")) {
      int close = domain.indexOf(']');
      if (close < 2) {
        return false;
      }
      for (int i = 1; i < close; i++) {
        char c = domain.charAt(i);
        if (!isDigit(c)
            && !(c >= 'a' && c <= 'f')
            && !(c >= 'A' && c <= 'F')
            && c != ':'
            && c != '.') {
          return false;
        }
      }
      return isOptionalPort(domain, close + 1);
    }
    int colon = domain.indexOf(':');
    int hostEnd = colon < 0 ? domain.length() : colon;
    int start = 0;
    while (true) {
      int dot = domain.indexOf('.', start);
      int end = dot < 0 || dot > hostEnd ? hostEnd : dot;
      if (!isHostLabel(domain, start, end)) {
        return false;
      }
      if (end == hostEnd) {
        return isOptionalPort(domain, hostEnd);
      }
      start = end + 1;
    }
  }

  private static boolean isHostLabel(String text, int start, int end) {
    if (start == end || !isAlnum(text.charAt(start)) || !isAlnum(text.charAt(end - 1))) {
      return false;
    }
    for (int i = start + 1; i < end - 1; i++) {
      char c = text.charAt(i);
      if (!isAlnum(c) && c != '-') {
        return false;
      }
    }
    return true;
  }

  // Nothing, or ':' and one or more digits, from start to the end of the text.
  private static boolean isOptionalPort(String text, int start) {
    if (start == text.length()) {
      return true;
    }
    if (text.charAt(start) != ':' || start + 1 == text.length()) {
      return false;
    }
    for (int i = start + 1; i < text.length(); i++) {
      if (!isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** {@code [\w][\w.-]{0,127}}: a tag. */
  static boolean isTag(String tag) {
    if (tag.isEmpty() || tag.length() > 128 || !isWord(tag.charAt(0))) {
      return false;
    }
    for (int i = 1; i < tag.length(); i++) {
      char c = tag.charAt(i);
      if (!isWord(c) && c != '.' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isWord(char c) {
    return isAlnum(c) || c == '_';
  }

  private static boolean isAlnum(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isLowerAlnum(char c) {
    return isDigit(c) || (c >= 'a' && c <= 'z');
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}
