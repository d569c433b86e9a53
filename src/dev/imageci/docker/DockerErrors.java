package dev.imageci.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.exception.DockerException;
import java.io.IOException;
import java.util.Locale;

/** Turns docker-java's exceptions into the daemon's own words. */
final class DockerErrors {

  private DockerErrors() {}

  /**
   * The daemon's message for an API error ({@code {"message": ...}} bodies unwrapped), or the
   * exception's message for a transport failure.
   */
  static String message(Throwable e) {
    if (e instanceof DockerException api) {
      String body = api.getMessage();
      int brace = body == null ? -1 : body.indexOf('{');
      if (brace >= 0) {
        try {
          JsonNode node = new ObjectMapper().readTree(body.substring(brace));
          if (node.hasNonNull("message")) {
            return node.get("message").asText();
          }
        } catch (IOException ignored) {
          // Not JSON after all; the raw text below says the same.
        }
      }
      return body;
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return text;
  }

  /** Whether a registry failure is worth retrying: a 5xx answer or a dropped connection. */
  static boolean isTransient(String message) {
    String text = message.toLowerCase(Locale.ROOT);
    if (isAuthentication(text)) {
      return false;
    }
    return text.matches("(?s).*\\b5\\d\\d\\b.*")
        || text.contains("connection refused")
        || text.contains("connection reset")
        || text.contains("broken pipe")
        || text.contains("eof")
        || text.contains("timeout")
        || text.contains("i/o timeout")
        || text.contains("internal server error")
        || text.contains("bad gateway")
        || text.contains("service unavailable");
  }

  /**
   * Whether a registry refused the credential (401/403, "unauthorized"): retrying won't help.
   * Limitation: a registry failing its version check also ends as "unauthorized" (the daemon then
   * skips authentication), because the daemon's message does not tell the two apart.
   */
  static boolean isAuthentication(String message) {
    String text = message.toLowerCase(Locale.ROOT);
    return text.contains("unauthorized")
        || text.contains("authentication required")
        || text.contains("denied")
        || text.contains("forbidden")
        || text.matches("(?s).*\\b40[13]\\b.*");
  }
}
