package dev.imageci.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@org.junit.jupiter.api.Tag("docker")
@org.junit.jupiter.api.Tag("registry")
class RegistryTest {

  private DockerConnection docker;
  private DockerImages images;
  private ImageName repository;
  private RegistryCredential credential;
  private final StringBuilder output = new StringBuilder();

  @BeforeEach
  void pushAnImage() throws Exception {
    String registry = require("IMAGECI_TEST_REGISTRY");
    credential =
        new RegistryCredential(
            registry,
            require("IMAGECI_TEST_REGISTRY_USER"),
            require("IMAGECI_TEST_REGISTRY_PASSWORD"),
            "test");
    docker = DockerConnection.fromEnvironment();
    images = new DockerImages(docker, line -> output.append(line).append('\n'));
    repository =
        ImageName.parse(
            registry
                + "/imageci-test-docker/registry-"
                + UUID.randomUUID().toString().substring(0, 8));
    String base = images.inspect(require("IMAGECI_TEST_BASE_IMAGE")).getId();
    images.tag(base, repository, new Tag("01"));
  }

  @AfterEach
  void cleanUp() throws Exception {
    images.remove(repository + ":01");
    assertThat(output.toString()).doesNotContain(credential.secret());
    docker.close();
  }

  private Digest push() throws Exception {
    return images.push(
        repository, new Tag("01"), credential, PushRetry.defaults(), new CancelSignal());
  }

  @Test
  void readsTheDigestATagPointsAt() throws Exception {
    Digest pushed = push();

    Optional<Digest> read =
        new Registry(repository, Optional.of(credential)).digestOf(new Tag("01"));

    assertThat(read).contains(pushed);
  }

  @Test
  void aMissingTagHasNoDigest() throws Exception {
    push();

    assertThat(new Registry(repository, Optional.of(credential)).digestOf(new Tag("nope")))
        .isEmpty();
  }

  @Test
  void addsATagToAnExistingManifestWithoutTheDaemonKeepingItsDigest() throws Exception {
    Digest pushed = push();
    Registry registry = new Registry(repository, Optional.of(credential));

    Digest tagged = registry.addTag(pushed, new Tag("02"));

    assertThat(tagged).isEqualTo(pushed);
    assertThat(registry.digestOf(new Tag("02"))).contains(pushed);
    assertThat(registry.digestOf(new Tag("01"))).contains(pushed);
  }

  @Test
  void knowsWhetherTheRepositoryHoldsAManifest() throws Exception {
    Digest pushed = push();
    Registry registry = new Registry(repository, Optional.of(credential));
    Digest absent = Digest.parse("sha256:" + "0".repeat(64));

    assertThat(registry.hasManifest(pushed)).isTrue();
    assertThat(registry.hasManifest(absent)).isFalse();
  }

  @Test
  void withoutCredentialsTheRegistrysRefusalIsTheError() throws Exception {
    push();

    assertThatThrownBy(() -> new Registry(repository, Optional.empty()).digestOf(new Tag("01")))
        .isInstanceOf(RegistryException.class)
        .hasMessage(
            "reading the manifest of "
                + repository
                + ":01 failed: HTTP 401 (no credential for "
                + repository.registryOrDefault()
                + " in the Docker config or IMAGECI_REGISTRY_USER/IMAGECI_REGISTRY_PASSWORD)");
  }

  @Test
  void aWrongPasswordIsAnErrorThatDoesNotShowIt() throws Exception {
    push();
    RegistryCredential wrong =
        new RegistryCredential(
            credential.registry(), credential.username(), "wrong-password-x9", "test");

    assertThatThrownBy(() -> new Registry(repository, Optional.of(wrong)).digestOf(new Tag("01")))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("the registry refused the credential for " + credential.registry())
        .hasMessageNotContaining("wrong-password-x9");
  }

  @Test
  void pushingWithAWrongPasswordFailsAtOnce() {
    RegistryCredential wrong =
        new RegistryCredential(
            credential.registry(), credential.username(), "wrong-password-x9", "test");

    assertThatThrownBy(
            () ->
                images.push(
                    repository,
                    new Tag("01"),
                    wrong,
                    new PushRetry(3, Duration.ofSeconds(30)),
                    new CancelSignal()))
        .isInstanceOf(DockerException.class)
        .hasMessageContaining("unauthorized")
        .hasMessageNotContaining("gave up")
        .hasMessageNotContaining("wrong-password-x9");
  }

  private static String require(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      fail(variable + " is not set: run `scripts/services start` and eval `scripts/services env`");
    }
    return value;
  }
}
