package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaleBuildSettlerTest {

  private final String image = Records.uniqueImage();
  private final Clock clock = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void aFixedTagStillAtItsEarlierDigestMeansThePushNeverHappened() throws Exception {
    BuildRecord record =
        Records.running(image, "a1a1a1a1a1a1", clock.instant())
            .priorDigest(Records.digest('1'))
            .build();
    FakeRegistry registry = new FakeRegistry().push(image, "latest", Records.digest('1'));

    BuildRecord settled = settler(registry).settled(record);

    assertThat(settled.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(settled.error()).startsWith("interrupted:");
  }

  @Test
  void aFixedTagAtANewDigestMeansThePushCompleted() throws Exception {
    BuildRecord record =
        Records.running(image, "a1a1a1a1a1a1", clock.instant())
            .priorDigest(Records.digest('1'))
            .build();
    FakeRegistry registry = new FakeRegistry().push(image, "latest", Records.digest('2'));

    BuildRecord settled = settler(registry).settled(record);

    assertThat(settled.status()).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(settled.digest()).isEqualTo(Records.digest('2'));
    assertThat(settled.endedAt()).isEqualTo(clock.instant());
  }

  @Test
  void aBuildKilledBeforeItHadATagFailed() throws Exception {
    BuildRecord record =
        Records.running(image, "a1a1a1a1a1a1", clock.instant()).tags(List.of()).build();

    BuildRecord settled = settler(new FakeRegistry()).settled(record);

    assertThat(settled.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(settled.error()).contains("no tag was chosen yet");
  }

  private StaleBuildSettler settler(FakeRegistry registry) {
    return new StaleBuildSettler(
        null, registry, new BuildOwner("here", 1, null), new Spool(null), clock);
  }
}
