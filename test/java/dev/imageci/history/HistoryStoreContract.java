package dev.imageci.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.imageci.render.ConfigHash;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every history store must have; run against SQLite and PostgreSQL by its subclasses.
 * Each test uses its own image names, so a shared database is no problem.
 */
abstract class HistoryStoreContract {

  @TempDir Path home;

  private final List<Process> processes = new ArrayList<>();

  /** The store under test; {@link #takeDatabaseDown()} makes it unreachable for real. */
  abstract HistoryStore store() throws IOException;

  abstract void takeDatabaseDown() throws IOException;

  abstract void bringDatabaseBack() throws IOException;

  /** The environment an imageci process needs to reach the same database (IMAGECI_HOME aside). */
  abstract Map<String, String> databaseEnvironment();

  @AfterEach
  void killLeftoverProcesses() throws InterruptedException {
    for (Process process : processes) {
      process.destroyForcibly().waitFor();
    }
  }

  Spool spool() {
    return new Spool(home.resolve("spool"));
  }

  HistoryRecorder recorder(HistoryStore store, RegistryProbe probe) {
    return new HistoryRecorder(
        store, spool(), probe, Clock.systemUTC(), BuildOwner.current(Trigger.hostName(Map.of())));
  }

  @Test
  void keepsEveryFieldOfARecord() throws Exception {
    String image = Records.uniqueImage();
    Instant start = Instant.parse("2026-01-02T03:04:05.678Z");
    BuildRecord record =
        Records.running(image, "0123456789ab", start)
            .tags(List.of("01", "latest"))
            .autoTag("01")
            .status(BuildStatus.SUCCEEDED)
            .digest(Records.digest('a'))
            .priorDigest(Records.digest('b'))
            .imageId(Records.digest('c'))
            .size(56_789L)
            .error(null)
            .endedAt(start.plusSeconds(65))
            .build();

    store().save(record);

    assertThat(store().find("0123456789ab")).contains(record);
    assertThat(store().find("ffffffffffff")).isEmpty();
  }

  @Test
  void replacesARecordButNeverWithALateRunningState() throws Exception {
    String image = Records.uniqueImage();
    BuildRecord running = Records.running(image, "111111111111", Instant.now()).build();
    BuildRecord failed = running.toBuilder().status(BuildStatus.FAILED).error("RUN failed").build();

    store().save(running);
    store().save(failed);
    store().save(running);

    assertThat(store().find(running.id())).contains(failed);
  }

  @Test
  void listsNewestFirstByImageAndStatusUpToTheLimit() throws Exception {
    String image = Records.uniqueImage();
    String other = Records.uniqueImage();
    Instant start = Instant.parse("2026-03-01T00:00:00Z");
    for (int i = 0; i < 5; i++) {
      BuildStatus status = i % 2 == 0 ? BuildStatus.SUCCEEDED : BuildStatus.FAILED;
      store()
          .save(
              Records.running(image, "a0000000000" + i, start.plusSeconds(i))
                  .status(status)
                  .build());
    }
    store().save(Records.running(other, "b00000000000", start.plusSeconds(9)).build());

    List<BuildRecord> all = store().list(new HistoryQuery(image, null, 10));
    List<BuildRecord> failed = store().list(new HistoryQuery(image, BuildStatus.FAILED, 10));
    List<BuildRecord> latestTwo = store().list(new HistoryQuery(image, null, 2));

    assertThat(all)
        .extracting(BuildRecord::id)
        .containsExactly(
            "a00000000004", "a00000000003", "a00000000002", "a00000000001", "a00000000000");
    assertThat(failed).extracting(BuildRecord::id).containsExactly("a00000000003", "a00000000001");
    assertThat(latestTwo)
        .extracting(BuildRecord::id)
        .containsExactly("a00000000004", "a00000000003");
  }

  @Test
  void aListingWithoutTextsLeavesOutOnlyTheConfigAndDockerfile() throws Exception {
    String image = Records.uniqueImage();
    Instant start = Instant.parse("2026-03-01T00:00:00Z");
    BuildRecord record = Records.running(image, "f00000000001", start).build();
    store().save(record);

    List<BuildRecord> listed = store().list(new HistoryQuery(image, null, 5).withoutTexts());
    List<BuildRecord> whole = store().list(new HistoryQuery(image, null, 5));

    assertThat(record.config()).isNotNull();
    assertThat(record.dockerfile()).isNotNull();
    assertThat(whole).containsExactly(record);
    assertThat(listed).containsExactly(record.toBuilder().config(null).dockerfile(null).build());
  }

  @Test
  void findsTheLatestSuccessfulBuildWithTheSameInputs() throws Exception {
    String image = Records.uniqueImage();
    Instant start = Instant.parse("2026-03-01T00:00:00Z");
    String hash = ConfigHash.of(Records.DOCKERFILE, Records.ROOTFS);
    store().save(ended(image, "c00000000001", start, BuildStatus.SUCCEEDED, 'a'));
    store().save(ended(image, "c00000000002", start.plusSeconds(1), BuildStatus.REUSED, 'a'));
    store().save(ended(image, "c00000000003", start.plusSeconds(2), BuildStatus.FAILED, 'b'));
    store()
        .save(
            ended(image, "c00000000004", start.plusSeconds(3), BuildStatus.SUCCEEDED, 'c')
                .toBuilder()
                .rootfsSha256("cd".repeat(32))
                .build());

    assertThat(store().latestReusable(image, hash, Records.ROOTFS))
        .map(BuildRecord::id)
        .contains("c00000000002");
    assertThat(store().latestReusable(image, hash, "cd".repeat(32)))
        .map(BuildRecord::id)
        .contains("c00000000004");
    assertThat(store().latestReusable(image, "sha256:" + "0".repeat(64), Records.ROOTFS)).isEmpty();
    assertThat(store().latestReusable(image, hash, null)).isEmpty();
  }

  @Test
  void handsOutEachImagesTagNumbersInSequence() throws Exception {
    String image = Records.uniqueImage();
    String other = Records.uniqueImage();

    List<Long> numbers =
        List.of(
            store().nextTagNumber(image),
            store().nextTagNumber(image),
            store().nextTagNumber(other));

    assertThat(numbers).containsExactly(1L, 2L, 1L);
  }

  @Test
  void concurrentProcessesGetDistinctTagsAndCompleteRecords() throws Exception {
    String image = Records.uniqueImage();
    int processCount = 4;
    int buildsEach = 5;

    List<Process> started = new ArrayList<>();
    for (int i = 0; i < processCount; i++) {
      started.add(startProcess("builds", image, Integer.toString(buildsEach)));
    }
    List<String> lines = new ArrayList<>();
    for (Process process : started) {
      lines.addAll(readAll(process));
      assertThat(process.waitFor()).as("exit status of a recording process").isZero();
    }

    List<BuildRecord> records = store().list(new HistoryQuery(image, null, 100));
    List<String> expectedTags =
        IntStream.rangeClosed(1, processCount * buildsEach).mapToObj(AutoTags::format).toList();
    assertThat(lines).hasSize(processCount * buildsEach);
    assertThat(records).hasSize(processCount * buildsEach);
    assertThat(records)
        .extracting(BuildRecord::autoTag)
        .containsExactlyInAnyOrderElementsOf(expectedTags);
    assertThat(records)
        .allSatisfy(
            record -> {
              assertThat(record.status()).isEqualTo(BuildStatus.SUCCEEDED);
              assertThat(record.tags()).containsExactly(record.autoTag(), "latest");
              assertThat(record.digest()).isEqualTo(Records.digest('c'));
              assertThat(record.endedAt()).isNotNull();
            });
  }

  @Test
  void aBuildWhoseDatabaseIsDownAtTheEndAppearsAfterTheNextRun() throws Exception {
    String image = Records.uniqueImage();
    HistoryRecorder recorder = recorder(store(), new FakeRegistry());
    RecordedBuild build = recorder.start(Records.start(image, List.of("auto")));
    build.resolveTags();

    takeDatabaseDown();
    BuildRecord finished = build.succeeded(Records.digest('e'), Records.digest('f'), 42L);
    assertThatThrownBy(() -> store().find(build.id())).isInstanceOf(HistoryException.class);
    assertThat(spool().holds(build.id())).isTrue();
    bringDatabaseBack();

    assertThat(store().find(build.id()).map(BuildRecord::status)).contains(BuildStatus.RUNNING);
    HistoryRecorder.CatchUp next = recorder(store(), new FakeRegistry()).catchUp();

    assertThat(next.delivered()).isEqualTo(1);
    assertThat(store().find(build.id())).contains(finished);
    assertThat(spool().holds(build.id())).isFalse();
  }

  @Test
  void aBuildWhoseDatabaseIsDownThroughoutIsDeliveredByFlush() throws Exception {
    String image = Records.uniqueImage();

    takeDatabaseDown();
    RecordedBuild build =
        recorder(store(), new FakeRegistry()).start(Records.start(image, List.of("latest")));
    BuildRecord failed = build.failed("RUN step 1 exited with status 1");
    bringDatabaseBack();
    int delivered = recorder(store(), new FakeRegistry()).flush();

    assertThat(delivered).isEqualTo(1);
    assertThat(store().find(build.id())).contains(failed);
  }

  @Test
  void aBuildKilledAfterItsPushIsSettledAsSucceededWithTheRegistrysDigest() throws Exception {
    String image = Records.uniqueImage();
    String id = killedBuild(image, "auto");
    FakeRegistry registry = new FakeRegistry().push(image, "01", Records.digest('9'));

    List<BuildRecord> settled = settler(registry).settle();

    BuildRecord record = store().find(id).orElseThrow();
    assertThat(settled).extracting(BuildRecord::id).contains(id);
    assertThat(record.status()).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(record.digest()).isEqualTo(Records.digest('9'));
    assertThat(record.tags()).containsExactly("01");
    assertThat(record.endedAt()).isNotNull();
  }

  @Test
  void aBuildKilledBeforeItsPushIsSettledAsInterrupted() throws Exception {
    String image = Records.uniqueImage();
    FakeRegistry registry = new FakeRegistry().push(image, "other", Records.digest('1'));
    String id = killedBuild(image, "stable");

    settler(registry).settle();

    BuildRecord record = store().find(id).orElseThrow();
    assertThat(record.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(record.digest()).isNull();
    assertThat(record.error())
        .startsWith("interrupted: the build process (pid ")
        .contains("the registry has no new image for " + image + ":stable");
  }

  @Test
  void leavesARunningBuildAloneWhileItsOwnerLives() throws Exception {
    String image = Records.uniqueImage();
    RecordedBuild build =
        recorder(store(), new FakeRegistry()).start(Records.start(image, List.of("latest")));

    settler(new FakeRegistry().push(image, "latest", Records.digest('2'))).settle();

    assertThat(store().find(build.id()).map(BuildRecord::status)).contains(BuildStatus.RUNNING);
  }

  @Test
  void settlesABuildOfAnotherHostOnlyAfterItsDeadline() throws Exception {
    String image = Records.uniqueImage();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    BuildRecord overdue =
        Records.running(image, "d00000000001", now.minus(Duration.ofHours(2)))
            .host("another-agent")
            .build();
    BuildRecord current =
        Records.running(image, "d00000000002", now.minusSeconds(60)).host("another-agent").build();
    store().save(overdue);
    store().save(current);

    settler(new FakeRegistry()).settle();

    assertThat(store().find(overdue.id()).map(BuildRecord::status)).contains(BuildStatus.FAILED);
    assertThat(store().find(current.id()).map(BuildRecord::status)).contains(BuildStatus.RUNNING);
  }

  @Test
  void migratingAgainLeavesTheSchemaAndDataAsTheyWere() throws Exception {
    String image = Records.uniqueImage();
    BuildRecord record = Records.running(image, "e00000000001", Instant.now()).build();
    store().save(record);
    long next = store().nextTagNumber(image);

    for (int i = 0; i < 2; i++) {
      JdbcHistoryStore again = (JdbcHistoryStore) store();
      again.migrate();
    }

    assertThat(store().find(record.id())).contains(record.toBuilder().build());
    assertThat(store().nextTagNumber(image)).isEqualTo(next + 1);
  }

  /** A plain connection to the store's database, for looking behind the store. */
  abstract Connection connect() throws SQLException;

  @Test
  void aStoreWhoseSchemaLacksAMigrationRunsFlywayAgain() throws Exception {
    store().find("none"); // creates the schema
    try (Connection connection = connect();
        Statement statement = connection.createStatement()) {
      // Back to the schema as it was before migration 1.1.
      statement.executeUpdate(
          "DELETE FROM " + JdbcHistoryStore.SCHEMA_TABLE + " WHERE version = '1.1'");
      statement.executeUpdate("DROP INDEX builds_image_latest");
      statement.executeUpdate("DROP INDEX builds_latest");
      statement.executeUpdate(
          "CREATE INDEX builds_image_started ON builds (image, started_at DESC)");
      statement.executeUpdate("CREATE INDEX builds_started ON builds (started_at DESC)");
    }

    store().find("none");

    try (Connection connection = connect();
        ResultSet versions =
            connection
                .createStatement()
                .executeQuery(
                    "SELECT version FROM "
                        + JdbcHistoryStore.SCHEMA_TABLE
                        + " WHERE success ORDER BY installed_rank")) {
      List<String> applied = new ArrayList<>();
      while (versions.next()) {
        applied.add(versions.getString(1));
      }
      assertThat(applied).isEqualTo(JdbcHistoryStore.MIGRATION_VERSIONS);
    }
  }

  private StaleBuildSettler settler(FakeRegistry registry) throws IOException {
    return new StaleBuildSettler(
        store(),
        registry,
        BuildOwner.current(Trigger.hostName(Map.of())),
        spool(),
        Clock.systemUTC());
  }

  /** Starts a build in another process, kills it with SIGKILL, returns its record id. */
  private String killedBuild(String image, String tag) throws Exception {
    Process process = startProcess("hang", image, tag);
    String id =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
            .readLine();
    assertThat(id).as("build id printed by the recording process").matches("[0-9a-f]{12}");
    assertThat(store().find(id).map(BuildRecord::status)).contains(BuildStatus.RUNNING);

    process.destroyForcibly();
    process.waitFor();
    return id;
  }

  private Process startProcess(String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(RecordingProcess.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(name -> name.startsWith("IMAGECI_"));
    env.putAll(databaseEnvironment());
    env.put("IMAGECI_HOME", home.toString());
    builder.redirectError(home.resolve("process-" + processes.size() + ".err").toFile());
    Process process = builder.start();
    processes.add(process);
    return process;
  }

  private static List<String> readAll(Process process) throws IOException {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      return reader.lines().toList();
    }
  }

  private static BuildRecord ended(
      String image, String id, Instant start, BuildStatus status, char digest) {
    return Records.running(image, id, start)
        .status(status)
        .digest(status == BuildStatus.FAILED ? null : Records.digest(digest))
        .endedAt(start.plusSeconds(30))
        .build();
  }

  static Map<String, String> mapOf(String... pairs) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  static Optional<String> env(String name) {
    return Optional.ofNullable(System.getenv(name)).filter(value -> !value.isBlank());
  }
}
