package dev.imageci.config;

import java.util.List;

/** A config that cannot be used, with every problem found in it. */
public class ConfigException extends Exception {

  private static final long serialVersionUID = 1L;
  private final String source;
  private final transient List<Problem> problems;

  public ConfigException(String source, List<Problem> problems) {
    super(source + ": " + problems.size() + " problem(s): " + problems);
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  /** The file or other origin of the config, for messages. */
  public String source() {
    return source;
  }

  public List<Problem> problems() {
    return problems;
  }
}
