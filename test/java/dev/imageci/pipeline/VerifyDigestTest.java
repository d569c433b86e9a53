package dev.imageci.pipeline;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Unit level: the registry's answers are faked here; the real registry is used in
 * BuildPipelineTest.
 */
class VerifyDigestTest {

  private static final ImageName IMAGE = ImageName.parse("127.0.0.1:5000/team/web");
  private static final Digest PUSHED = Digest.parse("sha256:" + "a".repeat(64));
  private static final Digest OTHER = Digest.parse("sha256:" + "b".repeat(64));

  @Test
  void passesWhenEveryTagNamesThePushedDigest() {
    Map<Tag, Digest> registry = Map.of(new Tag("01"), PUSHED, new Tag("latest"), PUSHED);

    assertThatCode(
            () ->
                new VerifyDigest(tag -> Optional.ofNullable(registry.get(tag)))
                    .call(IMAGE, List.of(new Tag("01"), new Tag("latest")), PUSHED))
        .doesNotThrowAnyException();
  }

  @Test
  void failsNamingBothDigestsWhenTheRegistryDisagrees() {
    Map<Tag, Digest> registry = Map.of(new Tag("01"), PUSHED, new Tag("latest"), OTHER);

    assertThatThrownBy(
            () ->
                new VerifyDigest(tag -> Optional.ofNullable(registry.get(tag)))
                    .call(IMAGE, List.of(new Tag("01"), new Tag("latest")), PUSHED))
        .isInstanceOf(BuildFailedException.class)
        .hasMessage(
            "the registry says 127.0.0.1:5000/team/web:latest is "
                + OTHER
                + " but the push reported "
                + PUSHED);
  }

  @Test
  void failsWhenTheTagIsMissingAfterThePush() {
    assertThatThrownBy(
            () ->
                new VerifyDigest(tag -> Optional.empty())
                    .call(IMAGE, List.of(new Tag("01")), PUSHED))
        .isInstanceOf(BuildFailedException.class)
        .hasMessageContaining("has no 127.0.0.1:5000/team/web:01");
  }
}
