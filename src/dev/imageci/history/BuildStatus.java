package dev.imageci.history;

import java.util.Locale;

/** Where a build attempt stands. Every state but {@link #RUNNING} is final. */
public enum BuildStatus {
  RUNNING,
  SUCCEEDED,
  FAILED,
  CANCELLED,
  REUSED;

  /** The lowercase word used on the command line, in JSON and in the database. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean isFinal() {
    return this != RUNNING;
  }

  /** Parses a status word, case-insensitively; the message lists the words allowed. */
  public static BuildStatus parse(String word) {
    for (BuildStatus status : values()) {
      if (status.word().equalsIgnoreCase(word)) {
        return status;
      }
    }
    throw new IllegalArgumentException(
        "unknown build status '"
            + word
            + "': expected running, succeeded, failed, cancelled or reused");
  }

  @Override
  public String toString() {
    return word();
  }
}
