package dev.imageci.config;

/**
 * One thing wrong with a config: the field path ({@code run[2]}, {@code env.JAVA_OPTS}), the rule
 * it breaks, and the value given (already shortened and made printable), if any.
 */
public record Problem(String field, String rule, String value) {

  @Override
  public String toString() {
    return value == null ? field + ": " + rule : field + ": " + rule + " (got " + value + ")";
  }
}
