package dev.imageci.docker;

/** How a smoke test command ended in the new image: its exit status and combined output. */
public record SmokeTestResult(long exitCode, String output) {

  public boolean passed() {
    return exitCode == 0;
  }
}
