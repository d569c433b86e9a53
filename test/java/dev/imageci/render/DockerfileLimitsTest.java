package dev.imageci.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class DockerfileLimitsTest {

  @Property(tries = 2000)
  void theCountedLengthIsTheEncodedLength(@ForAll String text) {
    assertThat(DockerfileLimits.utf8Length(text))
        .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
  }

  @Test
  void surrogatesCountAsTheEncoderWritesThem() {
    for (String text : List.of("😀", "a\uD800b", "\uDC00", "\uD83D", "é€")) {
      assertThat(DockerfileLimits.utf8Length(text))
          .as(text)
          .isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }
  }

  @Test
  void aLineAtTheBuildersLimitIsRefusedByTheField() {
    String text = "RUN " + "x".repeat(DockerfileLimits.MAX_LINE_BYTES);

    assertThat(DockerfileLimits.check(List.of(new DockerfileLimits.Line("run[0]", text))))
        .singleElement()
        .satisfies(p -> assertThat(p.field()).isEqualTo("run[0]"));
  }
}
