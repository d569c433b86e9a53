package dev.imageci.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryCredentialsTest {

  private static final String REGISTRY = "127.0.0.1:5000";

  @TempDir Path dir;

  private final Map<String, String> env = new HashMap<>();

  private Optional<RegistryCredential> find(String registry) throws CredentialException {
    env.putIfAbsent("DOCKER_CONFIG", dir.toString());
    env.putIfAbsent("PATH", dir.resolve("bin").toString());
    return new RegistryCredentials(env, REGISTRY).find(registry);
  }

  private void config(String json) throws Exception {
    Files.writeString(dir.resolve("config.json"), json);
  }

  @Test
  void readsTheBase64AuthEntryOfTheDockerConfig() throws Exception {
    String auth =
        Base64.getEncoder().encodeToString("alice:s3:cret".getBytes(StandardCharsets.UTF_8));
    config("{\"auths\": {\"http://127.0.0.1:5000/v2/\": {\"auth\": \"" + auth + "\"}}}");

    RegistryCredential found = find(REGISTRY).orElseThrow();

    assertThat(found.username()).isEqualTo("alice");
    assertThat(found.secret()).isEqualTo("s3:cret");
    assertThat(found.source()).contains("config.json (auths)");
  }

  @Test
  void theEnvironmentWinsForTheImagesRegistryOnly() throws Exception {
    config("{\"auths\": {\"other.example.com\": {\"username\": \"bob\", \"password\": \"pw\"}}}");
    env.put(RegistryCredentials.USER_VARIABLE, "jenkins");
    env.put(RegistryCredentials.PASSWORD_VARIABLE, "from-jenkins");

    assertThat(find(REGISTRY).orElseThrow().username()).isEqualTo("jenkins");
    assertThat(find("other.example.com").orElseThrow().username()).isEqualTo("bob");
    assertThat(find("third.example.com")).isEmpty();
  }

  @Test
  void halfSetEnvironmentVariablesAreAnError() {
    env.put(RegistryCredentials.USER_VARIABLE, "jenkins");

    assertThatThrownBy(() -> find(REGISTRY))
        .isInstanceOf(CredentialException.class)
        .hasMessage(
            "IMAGECI_REGISTRY_PASSWORD is not set but IMAGECI_REGISTRY_USER is: set both, or"
                + " neither");
  }

  @Test
  void asksTheCredentialHelperNamedForTheRegistry() throws Exception {
    helper("test", "{\"ServerURL\":\"127.0.0.1:5000\",\"Username\":\"carol\",\"Secret\":\"hx\"}");
    config("{\"credHelpers\": {\"127.0.0.1:5000\": \"test\"}, \"credsStore\": \"missing\"}");

    RegistryCredential found = find(REGISTRY).orElseThrow();

    assertThat(found.username()).isEqualTo("carol");
    assertThat(found.secret()).isEqualTo("hx");
    assertThat(found.source()).isEqualTo("credential helper docker-credential-test (credHelpers)");
  }

  @Test
  void fallsBackToTheCredentialStore() throws Exception {
    helper("store", "{\"Username\":\"dave\",\"Secret\":\"st\"}");
    config("{\"credsStore\": \"store\"}");

    assertThat(find(REGISTRY).orElseThrow().source()).contains("(credsStore)");
  }

  @Test
  void aHelperThatIsNotInstalledIsAClearError() throws Exception {
    config("{\"credsStore\": \"absent\"}");

    assertThatThrownBy(() -> find(REGISTRY))
        .hasMessageContaining("docker-credential-absent")
        .hasMessageContaining("not on the PATH");
  }

  @Test
  void noConfigMeansAnonymous() throws Exception {
    assertThat(find(REGISTRY)).isEmpty();
  }

  @Test
  void theTextFormNeverShowsTheSecret() {
    RegistryCredential credential =
        new RegistryCredential(REGISTRY, "alice", "very-secret", "environment");

    assertThat(credential.toString()).contains("alice").doesNotContain("very-secret");
  }

  private void helper(String name, String answer) throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path script = bin.resolve("docker-credential-" + name);
    Files.writeString(
        script,
        "#!/bin/sh\nread server\n[ \"$1\" = get ] && [ \"$server\" = 127.0.0.1:5000 ] || exit 1\n"
            + "echo '"
            + answer
            + "'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
  }
}
