package dev.imageci.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hides secrets in text that goes to the history from outside imageci (an error message from
 * Jenkins): the values of the environment's password, token and secret variables, and the password
 * of any {@code scheme://user:password@host} URL.
 */
final class SecretMask {

  static final String HIDDEN = "****";

  private static final Pattern SECRET_NAME =
      Pattern.compile(".*(PASSWORD|PASSWD|TOKEN|SECRET|CREDENTIAL|_KEY)$");
  private static final Pattern URL_PASSWORD = Pattern.compile("(://[^/@:\\s]*):[^/@\\s]*@");

  /** Values shorter than this are too likely to occur by chance to be masked everywhere. */
  private static final int MIN_SECRET_CHARS = 4;

  private final List<String> secrets;

  SecretMask(List<String> secrets) {
    this.secrets =
        secrets.stream()
            .filter(secret -> secret != null && secret.length() >= MIN_SECRET_CHARS)
            .sorted(Comparator.comparingInt(String::length).reversed())
            .toList();
  }

  static SecretMask fromEnvironment(Map<String, String> env) {
    List<String> values = new ArrayList<>();
    env.forEach(
        (name, value) -> {
          if (SECRET_NAME.matcher(name.toUpperCase(java.util.Locale.ROOT)).matches()) {
            values.add(value);
          }
        });
    return new SecretMask(values);
  }

  /** The text with every known secret replaced by {@value #HIDDEN}; null stays null. */
  String apply(String text) {
    if (text == null) {
      return null;
    }
    String masked = text;
    for (String secret : secrets) {
      masked = masked.replace(secret, HIDDEN);
    }
    return URL_PASSWORD.matcher(masked).replaceAll("$1:" + HIDDEN + "@");
  }
}
