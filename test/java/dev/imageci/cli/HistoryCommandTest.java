package dev.imageci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageci.history.BuildRecord;
import dev.imageci.history.BuildStatus;
import dev.imageci.history.HistoryStore;
import dev.imageci.history.JdbcHistoryStore;
import dev.imageci.history.Spool;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HistoryCommandTest {

  private static final String IMAGE = "r.example.com/team/web";
  private static final String DOCKERFILE_1 = "FROM busybox\nRUN echo hello\nCMD [\"web\"]\n";
  private static final String DOCKERFILE_2 = "FROM busybox\nRUN echo bye\nCMD [\"web\"]\n";

  @TempDir Path home;
  private HistoryStore store;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void fillHistory() throws Exception {
    store = JdbcHistoryStore.sqlite(home.resolve("history.db"));
    store.save(
        record("aaaaaaaaaaa1", IMAGE, "01", BuildStatus.SUCCEEDED, DOCKERFILE_1, 4_200L, 65));
    store.save(
        record("aaaaaaaaaaa2", IMAGE, "02", BuildStatus.FAILED, DOCKERFILE_2, null, 3).toBuilder()
            .digest(null)
            .error("RUN step 1 exited with status 1")
            .build());
    store.save(
        record(
                "aaaaaaaaaaa3",
                "r.example.com/team/db",
                "latest",
                BuildStatus.SUCCEEDED,
                DOCKERFILE_2,
                5_200L,
                1)
            .toBuilder()
            .triggeredBy("carol")
            .build());
  }

  @Test
  void printsAnAlignedTableNewestFirst() {
    int status = run("history");

    assertThat(status).isZero();
    assertThat(out.toString())
        .isEqualTo(
            "ID            IMAGE:TAG                         STATUS     DIGEST        SIZE    "
                + "DURATION  WHEN (UTC)           WHO\n"
                + "aaaaaaaaaaa3  r.example.com/team/db:latest      succeeded  aaaaaaaaaaaa  5.2 kB  "
                + "1s        2026-04-01 10:00:02  carol\n"
                + "aaaaaaaaaaa2  r.example.com/team/web:02,latest  failed     -             -       "
                + "3s        2026-04-01 10:00:01  alice\n"
                + "aaaaaaaaaaa1  r.example.com/team/web:01,latest  succeeded  aaaaaaaaaaaa  4.2 kB  "
                + "1m05s     2026-04-01 10:00:00  alice\n");
  }

  @Test
  void filtersByImageAndStatusAndLimits() {
    run("history", IMAGE);
    String byImage = out.toString();
    out.getBuffer().setLength(0);
    run("history", "--status", "failed");
    String failed = out.toString();
    out.getBuffer().setLength(0);
    run("history", "--limit", "1");
    String limited = out.toString();

    assertThat(byImage).contains("aaaaaaaaaaa1", "aaaaaaaaaaa2").doesNotContain("aaaaaaaaaaa3");
    assertThat(failed).contains("aaaaaaaaaaa2").doesNotContain("aaaaaaaaaaa1", "aaaaaaaaaaa3");
    assertThat(limited.lines()).hasSize(2).last().asString().startsWith("aaaaaaaaaaa3");
  }

  @Test
  void printsJsonWithEveryField() throws Exception {
    run("history", IMAGE, "--json");

    JsonNode builds = new ObjectMapper().readTree(out.toString());
    assertThat(builds.isArray()).isTrue();
    assertThat(builds).hasSize(2);
    JsonNode newest = builds.get(0);
    assertThat(newest.get("id").asText()).isEqualTo("aaaaaaaaaaa2");
    assertThat(newest.get("status").asText()).isEqualTo("failed");
    assertThat(newest.get("error").asText()).isEqualTo("RUN step 1 exited with status 1");
    assertThat(newest.get("tags").get(0).asText()).isEqualTo("02");
    assertThat(newest.get("durationMs").asLong()).isEqualTo(3000);
    assertThat(newest.get("dockerfile").asText()).isEqualTo(DOCKERFILE_2);
    assertThat(builds.get(1).get("digest").asText()).isEqualTo("sha256:" + "a".repeat(64));
  }

  @Test
  void showsOneBuildWithItsConfigDockerfileAndLog() {
    int status = run("history", "show", "aaaaaaaaaaa1");

    assertThat(status).isZero();
    assertThat(out.toString())
        .contains("id:          aaaaaaaaaaa1\n")
        .contains("status:      succeeded\n")
        .contains("digest:      sha256:" + "a".repeat(64) + "\n")
        .contains("duration:    1m05s\n")
        .contains("job:         images/web #7\n")
        .contains("log:         https://jenkins.example.com/job/images/job/web/7/console\n")
        .contains("--- config ---\nimage: r.example.com/team/web\ntag: auto\n")
        .contains("--- Dockerfile ---\n" + DOCKERFILE_1);
  }

  @Test
  void diffsConfigAndDockerfileAndSize() {
    int status = run("history", "diff", "aaaaaaaaaaa1", "aaaaaaaaaaa3");

    assertThat(status).isZero();
    assertThat(out.toString())
        .contains("--- config aaaaaaaaaaa1\n+++ config aaaaaaaaaaa3\n")
        .contains("-image: r.example.com/team/web\n+image: r.example.com/team/db\n")
        .contains("--- Dockerfile aaaaaaaaaaa1\n+++ Dockerfile aaaaaaaaaaa3\n")
        .contains(" FROM busybox\n-RUN echo hello\n+RUN echo bye\n CMD [\"web\"]\n")
        .contains("rootfs: same (" + "ab".repeat(32) + ")\n")
        .endsWith("size: 4.2 kB -> 5.2 kB (+1.0 kB)\n");
  }

  @Test
  void saysWhenTwoBuildsDoNotDiffer() {
    run("history", "diff", "aaaaaaaaaaa1", "aaaaaaaaaaa1");

    assertThat(out.toString()).contains("config: no differences\n", "Dockerfile: no differences\n");
  }

  @Test
  void flushDeliversTheSpool() throws Exception {
    BuildRecord spooled =
        record("bbbbbbbbbbb1", IMAGE, "03", BuildStatus.SUCCEEDED, DOCKERFILE_1, 1L, 1);
    new Spool(home.resolve("spool")).put(spooled);

    int status = run("history", "flush");

    assertThat(status).isZero();
    assertThat(out.toString()).startsWith("Delivered 1 spooled build record(s) to SQLite ");
    assertThat(store.find("bbbbbbbbbbb1")).contains(spooled);
  }

  @Test
  void anUnknownIdFailsWithAClearMessage() {
    int status = run("history", "show", "ffffffffffff");

    assertThat(status).isEqualTo(ImageCi.EXIT_FAILED);
    assertThat(err.toString()).startsWith("imageci: no build with id 'ffffffffffff' in SQLite ");
  }

  @Test
  void anUnknownStatusIsAUsageError() {
    int status = run("history", "--status", "done");

    assertThat(status).isEqualTo(ImageCi.EXIT_INVALID);
    assertThat(err.toString())
        .contains("unknown build status 'done': expected running, succeeded, failed, cancelled");
  }

  @Test
  void saysSoWhenNothingWasRecorded() {
    int status = run("history", "r.example.com/team/none");

    assertThat(status).isZero();
    assertThat(out.toString()).isEqualTo("No builds recorded.\n");
  }

  @Test
  void isACommandOfImageci() {
    assertThat(new CommandLine(new ImageCi()).getSubcommands()).containsKey("history");
  }

  private int run(String... args) {
    CommandLine commandLine =
        new CommandLine(new HistoryCommand(Map.of("IMAGECI_HOME", home.toString())));
    commandLine.setExecutionExceptionHandler(new FailureHandler(Map.of()));
    commandLine.setParameterExceptionHandler(new UsageHandler());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    return commandLine.execute(List.of(args).subList(1, args.length).toArray(String[]::new));
  }

  private static BuildRecord record(
      String id,
      String image,
      String tag,
      BuildStatus status,
      String dockerfile,
      Long size,
      int seconds) {
    int index = Integer.parseInt(id.substring(11));
    Instant start = Instant.parse("2026-04-01T10:00:00Z").plusSeconds(index - 1);
    return BuildRecord.builder()
        .id(id)
        .image(image)
        .tags(image.endsWith("web") ? List.of(tag, "latest") : List.of(tag))
        .autoTag(tag)
        .status(status)
        .digest("sha256:" + "a".repeat(64))
        .size(size)
        .config("image: " + image + "\ntag: auto\nfrom: busybox\n")
        .dockerfile(dockerfile)
        .configHash("sha256:" + "c".repeat(64))
        .rootfsSha256("ab".repeat(32))
        .rootfsSize(100L)
        .startedAt(start)
        .endedAt(start.plusSeconds(seconds))
        .deadline(start.plusSeconds(4200))
        .triggeredBy("alice")
        .jobName("images/web")
        .buildNumber("7")
        .buildUrl("https://jenkins.example.com/job/images/job/web/7/")
        .logUrl("https://jenkins.example.com/job/images/job/web/7/console")
        .host("agent-1")
        .ownerPid(4242)
        .build();
  }
}
