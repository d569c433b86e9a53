package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageci.render.ConfigHash;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReuseDecisionTest {

  @TempDir Path home;
  private HistoryStore store;
  private final FakeRegistry registry = new FakeRegistry();
  private final String image = Records.uniqueImage();
  private final String hash = ConfigHash.of(Records.DOCKERFILE, Records.ROOTFS);

  @BeforeEach
  void openStore() {
    store = JdbcHistoryStore.sqlite(home.resolve("history.db"));
  }

  @Test
  void reusesTheEarlierBuildWhoseDigestIsStillInTheRegistry() throws Exception {
    BuildRecord earlier = succeeded("f00000000001", "03", 'a');
    store.save(earlier);
    registry.push(image, "03", Records.digest('a'));

    var candidate =
        new ReuseDecision(store, registry).candidate(image, hash, Records.ROOTFS, false);

    assertThat(candidate).contains(earlier);
  }

  @Test
  void buildsWhenForced() throws Exception {
    store.save(succeeded("f00000000001", "03", 'a'));
    registry.push(image, "03", Records.digest('a'));

    var candidate = new ReuseDecision(store, registry).candidate(image, hash, Records.ROOTFS, true);

    assertThat(candidate).isEmpty();
  }

  @Test
  void buildsWhenTheDigestIsGoneFromTheRegistry() throws Exception {
    store.save(succeeded("f00000000001", "03", 'a'));
    registry.push(image, "03", Records.digest('a')).deleteManifest(image, Records.digest('a'));

    var candidate =
        new ReuseDecision(store, registry).candidate(image, hash, Records.ROOTFS, false);

    assertThat(candidate).isEmpty();
  }

  @Test
  void buildsWhenTheRootfsChanged() throws Exception {
    store.save(succeeded("f00000000001", "03", 'a'));
    registry.push(image, "03", Records.digest('a'));

    var candidate =
        new ReuseDecision(store, registry).candidate(image, hash, "ef".repeat(32), false);

    assertThat(candidate).isEmpty();
  }

  @Test
  void autoStandsForTheEarlierBuildsNumberAndOnlyMissingTagsAreAdded() throws Exception {
    BuildRecord earlier = succeeded("f00000000001", "03", 'a');
    registry.push(image, "03", Records.digest('a')).push(image, "latest", Records.digest('a'));
    ReuseDecision decision = new ReuseDecision(store, registry);

    List<String> tags = decision.tags(earlier, List.of("auto", "latest", "stable"));
    List<String> added = decision.addMissingTags(earlier, tags);

    assertThat(tags).containsExactly("03", "latest", "stable");
    assertThat(added).containsExactly("stable");
    assertThat(registry.digestOf(image, "stable")).contains(Records.digest('a'));
  }

  @Test
  void autoTakesANewNumberWhenTheEarlierBuildHadNone() throws Exception {
    BuildRecord earlier = succeeded("f00000000001", "03", 'a').toBuilder().autoTag(null).build();
    store.nextTagNumber(image);

    List<String> tags = new ReuseDecision(store, registry).tags(earlier, List.of("auto"));

    assertThat(tags).containsExactly("02");
  }

  private BuildRecord succeeded(String id, String autoTag, char digest) {
    return Records.running(image, id, Instant.parse("2026-05-01T10:00:00Z"))
        .tags(List.of(autoTag))
        .autoTag(autoTag)
        .status(BuildStatus.SUCCEEDED)
        .digest(Records.digest(digest))
        .imageId(Records.digest('9'))
        .size(777L)
        .endedAt(Instant.parse("2026-05-01T10:01:00Z"))
        .build();
  }
}
