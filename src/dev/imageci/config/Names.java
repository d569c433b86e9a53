package dev.imageci.config;

/**
 * The short grammars of a form's names, users and ports, matched by hand: they run for every value
 * of every form read, where a regular expression would allocate a matcher each time. Each method
 * names the expression it matches; NamesTest checks it against that expression.
 */
final class Names {

  private Names() {}

  /** {@code [A-Za-z_][A-Za-z0-9_]{0,255}}: a variable name the shell and the builder accept. */
  static boolean isEnvName(String name) {
    if (name.isEmpty() || name.length() > 256 || isDigit(name.charAt(0))) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isLetterOrDigit(c) && c != '_') {
        return false;
      }
    }
    return true;
  }

  /** {@code [A-Za-z0-9](?:[A-Za-z0-9._/-]{0,254}[A-Za-z0-9])?}: a label key. */
  static boolean isLabelKey(String key) {
    int last = key.length() - 1;
    if (key.isEmpty() || key.length() > 256) {
      return false;
    }
    if (!isLetterOrDigit(key.charAt(0)) || !isLetterOrDigit(key.charAt(last))) {
      return false;
    }
    for (int i = 1; i < last; i++) {
      char c = key.charAt(i);
      if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '/' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code NAME(?::NAME)?} where NAME is {@code [A-Za-z_][A-Za-z0-9._-]{0,31}} (a portable user or
   * group name, POSIX) or {@code [0-9]{1,10}} (a numeric id).
   */
  static boolean isUser(String user) {
    int colon = user.indexOf(':');
    if (colon < 0) {
      return isNameOrId(user, 0, user.length());
    }
    return isNameOrId(user, 0, colon) && isNameOrId(user, colon + 1, user.length());
  }

  private static boolean isNameOrId(String text, int start, int end) {
    int length = end - start;
    if (length == 0) {
      return false;
    }
    boolean numeric = true;
    for (int i = start; i < end; i++) {
      numeric &= isDigit(text.charAt(i));
    }
    if (numeric) {
      return length <= 10;
    }
    char first = text.charAt(start);
    if (length > 32 || !(isLetter(first) || first == '_')) {
      return false;
    }
    for (int i = start + 1; i < end; i++) {
      char c = text.charAt(i);
      if (!isLetterOrDigit(c) && c != '.' && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code [1-9][0-9]{0,4}(?:/(tcp|udp|sctp))?} with the number at most 65535: a port to expose,
   * without leading zeros.
   */
  static boolean isPort(String port) {
    int slash = port.indexOf('/');
    int end = slash < 0 ? port.length() : slash;
    if (end == 0 || end > 5 || port.charAt(0) == '0') {
      return false;
    }
    int number = 0;
    for (int i = 0; i < end; i++) {
      char c = port.charAt(i);
      if (!isDigit(c)) {
        return false;
      }
      number = number * 10 + (c - '0');
    }
    if (number > 65535) {
      return false;
    }
    String protocol = slash < 0 ? null : port.substring(slash + 1);
    return protocol == null
        || protocol.equals("tcp")
        || protocol.equals("udp")
        || protocol.equals("sctp");
  }

  /** {@code [0-9a-f]{64}}: a SHA-256 digest in lowercase hex. */
  static boolean isSha256Hex(String hex) {
    if (hex.length() != 64) {
      return false;
    }
    for (int i = 0; i < hex.length(); i++) {
      char c = hex.charAt(i);
      if (!isDigit(c) && !(c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  /** {@code [A-Za-z][A-Za-z0-9+.-]*:} at the start: a URL scheme such as {@code ftp:}. */
  static boolean hasUrlScheme(String text) {
    if (text.isEmpty() || !isLetter(text.charAt(0))) {
      return false;
    }
    for (int i = 1; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ':') {
        return true;
      }
      if (!isLetterOrDigit(c) && c != '+' && c != '.' && c != '-') {
        return false;
      }
    }
    return false;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isLetter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }

  private static boolean isLetterOrDigit(char c) {
    return isLetter(c) || isDigit(c);
  }
}
