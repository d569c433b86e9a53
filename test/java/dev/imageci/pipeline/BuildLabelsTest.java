package dev.imageci.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BuildLabelsTest {

  private static final String HASH = "cd".repeat(32);

  @Test
  void theRevisionIsTheConfigHashAndTheBuildUrlLeadsToTheLog() {
    Map<String, String> labels =
        BuildLabels.of(HASH, Map.of("BUILD_URL", "https://ci.example.com/job/web/7/"));

    assertThat(labels)
        .containsExactly(
            Map.entry("org.opencontainers.image.revision", HASH),
            Map.entry("org.opencontainers.image.source", "https://ci.example.com/job/web/7/"),
            Map.entry("org.opencontainers.image.url", "https://ci.example.com/job/web/7/"));
  }

  @Test
  void withoutABuildUrlOnlyTheRevision() {
    assertThat(BuildLabels.of(HASH, Map.of("BUILD_URL", "  ")))
        .containsOnlyKeys("org.opencontainers.image.revision");
    assertThat(BuildLabels.of(HASH, Map.of()))
        .containsOnlyKeys("org.opencontainers.image.revision");
  }

  @Test
  void aBuildUrlIsPercentEncodedOutsidePrintableAscii() {
    String url =
        BuildLabels.of(HASH, Map.of("BUILD_URL", "https://ci/job/a b/\r\nRUN x/é\t"))
            .get("org.opencontainers.image.url");

    assertThat(url).isEqualTo("https://ci/job/a%20b/%0D%0ARUN%20x/%C3%A9");
  }

  @Test
  void anOverlongBuildUrlIsLeftOut() {
    String url = "https://ci/" + "x".repeat(BuildLabels.MAX_URL_LENGTH);

    assertThat(BuildLabels.of(HASH, Map.of("BUILD_URL", url)))
        .containsOnlyKeys("org.opencontainers.image.revision");
  }
}
