package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageci.render.ConfigHash;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordedBuildTest {

  @TempDir Path home;
  private HistoryStore store;
  private HistoryRecorder recorder;
  private final FakeRegistry registry = new FakeRegistry();
  private final String image = Records.uniqueImage();

  @BeforeEach
  void openRecorder() {
    store = JdbcHistoryStore.sqlite(home.resolve("history.db"));
    recorder =
        new HistoryRecorder(
            store,
            new Spool(home.resolve("spool")),
            registry,
            Clock.systemUTC(),
            BuildOwner.current(Trigger.hostName(Map.of())));
  }

  @Test
  void recordsTheStartAsRunningWithWhoAndWhere() throws Exception {
    RecordedBuild build = recorder.start(Records.start(image, List.of("auto", "latest")));

    BuildRecord stored = store.find(build.id()).orElseThrow();

    assertThat(stored.status()).isEqualTo(BuildStatus.RUNNING);
    assertThat(stored.tags()).containsExactly("latest");
    assertThat(stored.triggeredBy()).isEqualTo("alice");
    assertThat(stored.jobName()).isEqualTo("images/web");
    assertThat(stored.buildNumber()).isEqualTo("7");
    assertThat(stored.configHash()).isEqualTo(ConfigHash.of(Records.DOCKERFILE, Records.ROOTFS));
    assertThat(stored.ownerPid()).isEqualTo(ProcessHandle.current().pid());
    assertThat(stored.deadline()).isAfter(stored.startedAt().plusSeconds(3600));
  }

  @Test
  void aPriorDigestReadAheadIsWhatTheStartRecords() throws Exception {
    registry.push(image, "1.2", Records.digest('a'));

    recorder.readPriorDigestAhead(image, List.of("auto", "1.2", "latest"));
    RecordedBuild build = recorder.start(Records.start(image, List.of("auto", "1.2", "latest")));

    assertThat(store.find(build.id()).orElseThrow().priorDigest()).isEqualTo(Records.digest('a'));
    assertThat(registry.digestLookups).as("one lookup, made ahead").hasValue(1);
  }

  @Test
  void anUnreachableRegistryAheadLeavesNoPriorDigestAndDoesNotHoldTheStart() throws Exception {
    registry.unreachable = true;

    recorder.readPriorDigestAhead(image, List.of("1.2"));
    RecordedBuild build = recorder.start(Records.start(image, List.of("1.2")));

    assertThat(store.find(build.id()).orElseThrow().priorDigest()).isNull();
    assertThat(registry.digestLookups).hasValue(1);
  }

  @Test
  void resolvesAutoOnceInTheConfigsOrder() throws Exception {
    RecordedBuild build = recorder.start(Records.start(image, List.of("latest", "auto")));

    List<String> first = build.resolveTags();
    List<String> again = build.resolveTags();

    assertThat(first).containsExactly("latest", "01");
    assertThat(again).isEqualTo(first);
    assertThat(store.find(build.id()).orElseThrow().autoTag()).isEqualTo("01");
  }

  @Test
  void keepsFixedTagsAsGiven() throws Exception {
    RecordedBuild build = recorder.start(Records.start(image, List.of("1.2", "latest")));

    assertThat(build.resolveTags()).containsExactly("1.2", "latest");
  }

  @Test
  void endsAsSucceededWithDigestAndDuration() throws Exception {
    RecordedBuild build = recorder.start(Records.start(image, List.of("auto")));
    build.resolveTags();

    BuildRecord done = build.succeeded(Records.digest('a'), Records.digest('b'), 4096L);

    assertThat(store.find(build.id())).contains(done);
    assertThat(done.status()).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(done.duration()).isPresent();
  }

  @Test
  void aRootfsHashedOnTheWayGivesTheRecordItsHashAndConfigHashAtTheEnd() throws Exception {
    BuildStart start = Records.start(image, List.of("1"));
    BuildStart unhashed =
        new BuildStart(
            start.image(),
            start.tags(),
            start.config(),
            start.dockerfile(),
            null,
            start.rootfsSize(),
            start.remarks(),
            start.trigger(),
            start.requestId(),
            start.timeout());
    RecordedBuild build = recorder.start(unhashed);
    BuildRecord running = store.find(build.id()).orElseThrow();

    build.rootfsHashed(Records.ROOTFS);
    build.succeeded(Records.digest('a'), Records.digest('b'), 4096L);

    assertThat(running.rootfsSha256()).isNull();
    assertThat(running.configHash()).as("no hash without the rootfs' one").isNull();
    BuildRecord done = store.find(build.id()).orElseThrow();
    assertThat(done.rootfsSha256()).isEqualTo(Records.ROOTFS);
    assertThat(done.configHash()).isEqualTo(ConfigHash.of(Records.DOCKERFILE, Records.ROOTFS));
    assertThat(done.configHash())
        .isEqualTo(store.find(recorder.start(start).id()).get().configHash());
  }

  @Test
  void anUnchangedRebuildIsRecordedAsReusedAndTaggedWithoutBuilding() throws Exception {
    RecordedBuild first = recorder.start(Records.start(image, List.of("auto")));
    first.resolveTags();
    first.succeeded(Records.digest('a'), Records.digest('b'), 4096L);
    registry.push(image, "01", Records.digest('a'));

    RecordedBuild second = recorder.start(Records.start(image, List.of("auto", "stable")));
    var reused = second.reuseIfUnchanged(false);

    assertThat(reused).isPresent();
    assertThat(reused.get().status()).isEqualTo(BuildStatus.REUSED);
    assertThat(reused.get().digest()).isEqualTo(Records.digest('a'));
    assertThat(reused.get().tags()).containsExactly("01", "stable");
    assertThat(registry.added).containsExactly("stable");
    assertThat(store.find(second.id())).contains(reused.get());
  }

  @Test
  void aReuseWaitsForTheCatchUpThatSettlesTheBuildToReuse() throws Exception {
    // Left running by another agent two hours ago, after it had pushed: settled as succeeded.
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MILLIS);
    BuildRecord killed = Records.running(image, "f00000000001", twoHoursAgo).build();
    store.save(killed);
    registry.push(image, "latest", Records.digest('9'));
    HistoryRecorder slow = recorderAskingSlowly();
    RecordedBuild next = slow.start(Records.start(image, List.of("stable")));

    slow.catchUpInBackground();
    var reused = next.reuseIfUnchanged(false);

    assertThat(store.find(killed.id()).map(BuildRecord::status)).contains(BuildStatus.SUCCEEDED);
    assertThat(reused).map(BuildRecord::digest).contains(Records.digest('9'));
  }

  @Test
  void closingTheRecorderWaitsForItsCatchUp() throws Exception {
    Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2)).truncatedTo(ChronoUnit.MILLIS);
    BuildRecord killed = Records.running(image, "f00000000002", twoHoursAgo).build();
    store.save(killed);

    HistoryRecorder slow = recorderAskingSlowly();
    slow.catchUpInBackground();
    slow.close();

    assertThat(JdbcHistoryStore.sqlite(home.resolve("history.db")).find(killed.id()))
        .map(BuildRecord::status)
        .contains(BuildStatus.FAILED);
  }

  /** A recorder whose registry takes half a second to name a tag's digest: the settler asks. */
  private HistoryRecorder recorderAskingSlowly() {
    RegistryProbe slow =
        new RegistryProbe() {
          @Override
          public Optional<String> digestOf(String image, String tag) throws IOException {
            try {
              Thread.sleep(500);
            } catch (InterruptedException e) {
              throw new InterruptedIOException();
            }
            return registry.digestOf(image, tag);
          }

          @Override
          public boolean hasManifest(String image, String digest) throws IOException {
            return registry.hasManifest(image, digest);
          }

          @Override
          public void addTag(String image, String digest, String tag) throws IOException {
            registry.addTag(image, digest, tag);
          }
        };
    return new HistoryRecorder(
        store,
        new Spool(home.resolve("spool")),
        slow,
        Clock.systemUTC(),
        BuildOwner.current(Trigger.hostName(Map.of())));
  }

  @Test
  void aForcedRebuildIsNotReused() throws Exception {
    RecordedBuild first = recorder.start(Records.start(image, List.of("auto")));
    first.resolveTags();
    first.succeeded(Records.digest('a'), Records.digest('b'), 4096L);
    registry.push(image, "01", Records.digest('a'));

    RecordedBuild second = recorder.start(Records.start(image, List.of("auto")));

    assertThat(second.reuseIfUnchanged(true)).isEmpty();
    assertThat(second.resolveTags()).containsExactly("02");
  }

  @Test
  void aFailedBuildKeepsItsNumber() throws Exception {
    RecordedBuild failed = recorder.start(Records.start(image, List.of("auto")));
    failed.resolveTags();
    failed.failed("RUN step 1 exited with status 1");

    RecordedBuild next = recorder.start(Records.start(image, List.of("auto")));

    assertThat(next.resolveTags()).containsExactly("02");
    assertThat(store.find(failed.id()).orElseThrow().error())
        .isEqualTo("RUN step 1 exited with status 1");
  }
}
