package dev.imageci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageReferenceTest {

  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void parsesNameTagAndDigest() {
    ImageReference reference = ImageReference.parse("r.example.com:5000/a/b:1.2@" + DIGEST);

    assertThat(reference.name()).isEqualTo(new ImageName("r.example.com:5000", "a/b"));
    assertThat(reference.tag()).isEqualTo(new Tag("1.2"));
    assertThat(reference.digest()).isEqualTo(new Digest(DIGEST));
    assertThat(reference).hasToString("r.example.com:5000/a/b:1.2@" + DIGEST);
  }

  @Test
  void aPortIsNotATag() {
    ImageReference reference = ImageReference.parse("localhost:5000/web");

    assertThat(reference.tag()).isNull();
    assertThat(reference.name().registry()).isEqualTo("localhost:5000");
  }

  @Test
  void scratchIsTheEmptyBaseOnlyWithoutTagOrRegistry() {
    assertThat(ImageReference.parse("scratch").isScratch()).isTrue();
    assertThat(ImageReference.parse("scratch:1").isScratch()).isFalse();
    assertThat(ImageReference.parse("r.example.com/scratch").isScratch()).isFalse();
  }

  @Test
  void refusesWhatTheGrammarRefuses() {
    assertThatThrownBy(() -> ImageReference.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageReference.parse("UPPER/case"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageReference.parse("a/b@sha256:12"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ImageReference.parse("a/b:-x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ofJoinsANameAndATag() {
    assertThat(ImageReference.of(ImageName.parse("team/web"), new Tag("01")))
        .hasToString("team/web:01");
  }
}
