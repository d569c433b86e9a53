package dev.imageci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InvalidFormTest {

  @Test
  void findsTheImageOfAYamlForm() {
    assertThat(InvalidForm.imageText("# web\nimage: r.example.com/team/web # ours\ntag: 01\n"))
        .isEqualTo("r.example.com/team/web");
  }

  @Test
  void findsTheImageOfAJsonForm() {
    assertThat(InvalidForm.imageText("{\"tag\": 1,\n \"image\": \"r.example.com/a/b\"}"))
        .isEqualTo("r.example.com/a/b");
  }

  @Test
  void saysUnknownWithoutAnImageKey() {
    assertThat(InvalidForm.imageText("tag: 01\nrun: [image: x]\n")).isEqualTo("(unknown)");
  }
}
