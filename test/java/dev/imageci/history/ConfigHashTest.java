package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigHashTest {

  @Test
  void ignoresCommentLinesSuchAsTheRemarks() {
    String plain = "FROM busybox\nRUN echo hi\n";
    String commented = "# Rendered by imageci\nFROM busybox\n# Serves pages.\nRUN echo hi\n";

    assertThat(ConfigHash.of(commented)).isEqualTo(ConfigHash.of(plain));
  }

  @Test
  void changesWithAnyInstruction() {
    assertThat(ConfigHash.of("FROM busybox\nRUN echo hi\n"))
        .isNotEqualTo(ConfigHash.of("FROM busybox\nRUN echo ho\n"))
        .matches("sha256:[0-9a-f]{64}");
  }
}
