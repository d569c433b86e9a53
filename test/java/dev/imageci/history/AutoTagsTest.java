package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AutoTagsTest {

  @Test
  void hasTwoDigitsAndUp() {
    assertThat(AutoTags.format(1)).isEqualTo("01");
    assertThat(AutoTags.format(99)).isEqualTo("99");
    assertThat(AutoTags.format(100)).isEqualTo("100");
  }

  @Test
  void refusesZero() {
    assertThatThrownBy(() -> AutoTags.format(0)).hasMessageContaining("start at 1");
  }
}
