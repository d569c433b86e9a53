package dev.imageci.docker;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DockerErrorsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "received unexpected HTTP status: 500 Internal Server Error",
        "received unexpected HTTP status: 503 Service Unavailable",
        "Put \"http://127.0.0.1:5000/v2/x/manifests/1\": dial tcp 127.0.0.1:5000: connect:"
            + " connection refused",
        "read tcp 127.0.0.1:1->127.0.0.1:5000: read: connection reset by peer"
      })
  void transientRegistryFailuresAreRetried(String message) {
    assertThat(DockerErrors.isTransient(message)).isTrue();
    assertThat(DockerErrors.isAuthentication(message)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "unauthorized: authentication required",
        "denied: requested access to the resource is denied",
        "received unexpected HTTP status: 403 Forbidden",
        "unauthorized: incorrect username or password (500 in the text does not matter)"
      })
  void authenticationFailuresAreNotRetried(String message) {
    assertThat(DockerErrors.isAuthentication(message)).isTrue();
    assertThat(DockerErrors.isTransient(message)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"manifest invalid", "name unknown: repository name not known"})
  void otherFailuresAreNeitherRetriedNorCalledAuthentication(String message) {
    assertThat(DockerErrors.isTransient(message)).isFalse();
    assertThat(DockerErrors.isAuthentication(message)).isFalse();
  }
}
