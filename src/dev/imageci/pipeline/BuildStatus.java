package dev.imageci.pipeline;

import java.util.Locale;

/** How a build ended. {@code REUSED}: an identical image existed and was tagged instead. */
public enum BuildStatus {
  SUCCEEDED,
  FAILED,
  CANCELLED,
  REUSED;

  /** The lowercase word the JSON result uses. */
  public String word() {
    return name().toLowerCase(Locale.ROOT);
  }
}
