package dev.imageci.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the registry answered to one request, read whole (manifests are small).
 *
 * @param digest the {@code Docker-Content-Digest} header
 * @param challenge the {@code WWW-Authenticate} header of a {@code 401}
 */
record RegistryResponse(
    int status,
    Optional<String> digest,
    String contentType,
    Optional<String> challenge,
    byte[] body) {

  /**
   * The status with the registry's own error codes and messages, e.g. {@code 401 UNAUTHORIZED:
   * authentication required}.
   */
  String problem() {
    List<String> errors = new ArrayList<>();
    try {
      JsonNode json = new ObjectMapper().readTree(body);
      for (JsonNode error : json == null ? List.<JsonNode>of() : json.path("errors")) {
        errors.add(error.path("code").asText() + ": " + error.path("message").asText());
      }
    } catch (IOException e) {
      // Not the registry's JSON error body; the status alone says enough.
    }
    return "HTTP " + status + (errors.isEmpty() ? "" : " " + String.join("; ", errors));
  }
}
