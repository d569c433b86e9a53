package dev.imageci.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigHashTest {

  private static final String ROOTFS = "a".repeat(64);

  @Test
  void ignoresCommentLinesSuchAsTheRemarks() {
    String plain = "FROM busybox\nRUN echo hi\n";
    String commented = "# Rendered by imageci\nFROM busybox\n# Serves pages.\nRUN echo hi\n";

    assertThat(ConfigHash.of(commented, ROOTFS)).isEqualTo(ConfigHash.of(plain, ROOTFS));
  }

  @Test
  void changesWithAnyInstruction() {
    assertThat(ConfigHash.of("FROM busybox\nRUN echo hi\n", ROOTFS))
        .isNotEqualTo(ConfigHash.of("FROM busybox\nRUN echo ho\n", ROOTFS))
        .matches("sha256:[0-9a-f]{64}");
  }

  @Test
  void changesWithTheRootfs() {
    String dockerfile = "FROM busybox\nADD rootfs.tar /\n";

    assertThat(ConfigHash.of(dockerfile, ROOTFS))
        .isNotEqualTo(ConfigHash.of(dockerfile, "b".repeat(64)))
        .isNotEqualTo(ConfigHash.of(dockerfile, null));
  }
}
