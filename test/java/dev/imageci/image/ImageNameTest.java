package dev.imageci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageNameTest {

  @Test
  void theFirstComponentIsARegistryWhenItLooksLikeAHost() {
    assertThat(ImageName.parse("r.example.com/team/web").registry()).isEqualTo("r.example.com");
    assertThat(ImageName.parse("127.0.0.1:5000/web").registry()).isEqualTo("127.0.0.1:5000");
    assertThat(ImageName.parse("localhost/web").registry()).isEqualTo("localhost");
    assertThat(ImageName.parse("team/web").registry()).isNull();
    assertThat(ImageName.parse("team/web").registryOrDefault()).isEqualTo("docker.io");
  }

  @Test
  void pathComponentsAreLowercaseWithSeparators() {
    assertThat(ImageName.parse("a/b.c/d_e/f__g/h--i").path()).isEqualTo("a/b.c/d_e/f__g/h--i");
    for (String bad : new String[] {"A", "a//b", "a/", "-a", "a_", "a___b", "a b"}) {
      assertThatThrownBy(() -> ImageName.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aNameHasAtMost255Characters() {
    assertThatThrownBy(() -> ImageName.parse("a".repeat(256)))
        .hasMessageContaining("longer than 255");
  }
}
