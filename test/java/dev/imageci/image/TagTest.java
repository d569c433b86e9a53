package dev.imageci.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TagTest {

  @Test
  void autoIsTheOnlyAutomaticTag() {
    assertThat(new Tag("auto").isAuto()).isTrue();
    assertThat(new Tag("Auto").isAuto()).isFalse();
    assertThat(new Tag("01").isAuto()).isFalse();
  }

  @Test
  void tagsFollowTheGrammar() {
    assertThat(new Tag("_a.B-9")).hasToString("_a.B-9");
    assertThat(new Tag("x".repeat(128)).value()).hasSize(128);
    for (String bad : new String[] {"", ".a", "-a", "a b", "a:b", "x".repeat(129), "\u00e9"}) {
      assertThatThrownBy(() -> new Tag(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }
}
