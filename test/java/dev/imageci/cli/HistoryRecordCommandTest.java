package dev.imageci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageci.history.BuildRecord;
import dev.imageci.history.BuildStatus;
import dev.imageci.history.HistorySettings;
import dev.imageci.history.HistoryStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class HistoryRecordCommandTest {

  private static final String HOSTILE_IMAGE = "r/x; touch /tmp/pwned $(id) `id` \"'\n@/etc/passwd";
  private static final String HOSTILE_REQUEST = "x\n$(touch /tmp/pwned)";

  @TempDir Path home;
  private final Map<String, String> env = new HashMap<>();
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @BeforeEach
  void jenkinsEnvironment() {
    env.put("IMAGECI_HOME", home.toString());
    env.put("JOB_NAME", "images/generic");
    env.put("BUILD_NUMBER", "41");
    env.put("BUILD_URL", "https://jenkins.example.com/job/images/job/generic/41/");
    env.put("BUILD_USER_ID", "dora");
  }

  @Test
  void recordsAFailedAttemptAndPrintsItsId() throws Exception {
    int status =
        run("--image", "r.example.com/team/web", "--error", "imageciVerify: no Docker daemon");

    assertThat(status).isZero();
    BuildRecord record = find(out.toString().strip());
    assertThat(record.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(record.image()).isEqualTo("r.example.com/team/web");
    assertThat(record.error()).isEqualTo("imageciVerify: no Docker daemon");
    assertThat(record.tags()).isEmpty();
    assertThat(record.triggeredBy()).isEqualTo("dora");
    assertThat(record.jobName()).isEqualTo("images/generic");
    assertThat(record.buildNumber()).isEqualTo("41");
    assertThat(record.logUrl())
        .isEqualTo("https://jenkins.example.com/job/images/job/generic/41/console");
    assertThat(record.endedAt()).isNotNull();
  }

  @Test
  void storesHostileImageTextAndRequestIdVerbatim() throws Exception {
    int status =
        run("--image=" + HOSTILE_IMAGE, "--request-id=" + HOSTILE_REQUEST, "--error=--json");

    assertThat(status).as(err.toString()).isZero();

    BuildRecord record = find(out.toString().strip());
    assertThat(record.image()).isEqualTo(HOSTILE_IMAGE);
    assertThat(record.requestId()).isEqualTo(HOSTILE_REQUEST);
    assertThat(record.error()).isEqualTo("--json");
  }

  @Test
  void readsTheImageFromTheConfigAndKeepsTheConfig() throws Exception {
    Path form = Files.writeString(home.resolve("form.yaml"), "image: r/web\ntag: 'a;b'\n");

    run("--config", form.toString(), "--error", "invalid", "--user", "erin");

    BuildRecord record = find(out.toString().strip());
    assertThat(record.image()).isEqualTo("r/web");
    assertThat(record.config()).isEqualTo("image: r/web\ntag: 'a;b'\n");
    assertThat(record.triggeredBy()).isEqualTo("erin");
  }

  @Test
  void boundsLongTexts() throws Exception {
    run("--image", "i".repeat(10_000), "--error", "e".repeat(100_000));

    BuildRecord record = find(out.toString().strip());
    assertThat(record.image()).hasSize(HistoryRecordCommand.MAX_IMAGE_CHARS);
    assertThat(record.image()).startsWith("iii").endsWith("... (cut from 10000 characters)");
    assertThat(record.error()).hasSize(HistoryRecordCommand.MAX_ERROR_CHARS);
  }

  @Test
  void neverStoresASecretFromTheEnvironmentOrAUrl() throws Exception {
    env.put("IMAGECI_REGISTRY_PASSWORD", "hunter22");

    run("--image", "https://bob:pa55word@r.example.com/x", "--error", "login with hunter22 failed");

    BuildRecord record = find(out.toString().strip());
    assertThat(record.error()).isEqualTo("login with **** failed");
    assertThat(record.image()).isEqualTo("https://bob:****@r.example.com/x");
  }

  @Test
  void recordsACancelledAttemptAsJson() throws Exception {
    run("--status", "cancelled", "--error", "aborted by alice", "--json");

    JsonNode json = new ObjectMapper().readTree(out.toString());
    assertThat(json.get("status").asText()).isEqualTo("cancelled");
    assertThat(json.get("image").asText()).isEqualTo("(unknown)");
    assertThat(find(json.get("id").asText()).error()).isEqualTo("aborted by alice");
  }

  @Test
  void refusesARunningOrSucceededStatusAndAMissingError() {
    assertThat(run("--status", "succeeded", "--error", "x")).isEqualTo(ImageCi.EXIT_INVALID);
    assertThat(err.toString())
        .contains("an attempt recorded here ended as failed or cancelled (got 'succeeded')");
    assertThat(run("--image", "r/web")).isEqualTo(ImageCi.EXIT_INVALID);
    assertThat(err.toString()).contains("Missing required option: '--error=TEXT'");
    assertThat(home.resolve("history.db")).doesNotExist();
  }

  @Test
  void anUnreadableConfigFailsWithAClearMessage() {
    int status = run("--config", home.resolve("missing.yaml").toString(), "--error", "x");

    assertThat(status).isEqualTo(ImageCi.EXIT_FAILED);
    assertThat(err.toString()).startsWith("imageci: cannot read the config ");
  }

  @Test
  void keepsTheRecordInTheSpoolWhenTheDatabaseIsAway() throws Exception {
    env.put("IMAGECI_DB_URL", "jdbc:postgresql://127.0.0.1:1/none");

    int status = run("--image", "r/web", "--error", "no Docker");

    assertThat(status).isZero();
    String id = out.toString().strip();
    try (var spooled = Files.list(home.resolve("spool"))) {
      assertThat(spooled.map(path -> path.getFileName().toString()))
          .singleElement()
          .asString()
          .contains(id);
    }
  }

  @Test
  void theReadmeDocumentsEveryOption() throws Exception {
    String readme = Files.readString(Path.of("README.md"));

    assertThat(readme)
        .contains("`imageci history record --error TEXT [--status failed|cancelled] [--image TEXT]")
        .contains("[--request-id ID] [--user NAME] [--json]`");
  }

  @Test
  void helpNamesEveryOption() {
    assertThat(run("--help")).isZero();

    assertThat(out.toString())
        .contains("Usage: history record", "--status=S", "--error=TEXT", "--image=TEXT")
        .contains("--config=FILE", "--request-id=ID", "--user=NAME", "--json");
  }

  @Test
  @Tag("postgres")
  void recordsInASharedPostgresHistory() throws Exception {
    String schema = "record_test_" + UUID.randomUUID().toString().substring(0, 8);
    sql("CREATE SCHEMA " + schema);
    try {
      String url = required("IMAGECI_TEST_DB_URL");
      env.put("IMAGECI_DB_URL", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
      env.put("IMAGECI_DB_USER", required("IMAGECI_TEST_DB_USER"));
      env.put("IMAGECI_DB_PASSWORD", required("IMAGECI_TEST_DB_PASSWORD"));

      int status = run("--image=" + HOSTILE_IMAGE, "--request-id=" + HOSTILE_REQUEST, "--error=x");

      assertThat(status).isZero();
      BuildRecord record = find(out.toString().strip());
      assertThat(record.image()).isEqualTo(HOSTILE_IMAGE);
      assertThat(record.requestId()).isEqualTo(HOSTILE_REQUEST);
      assertThat(home.resolve("history.db")).doesNotExist();
    } finally {
      sql("DROP SCHEMA " + schema + " CASCADE");
    }
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    CommandLine commandLine = ImageCi.textSafe(new CommandLine(new HistoryCommand(env)));
    commandLine.setExecutionExceptionHandler(new FailureHandler(Map.of()));
    commandLine.setParameterExceptionHandler(new UsageHandler());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 1];
    full[0] = "record";
    System.arraycopy(args, 0, full, 1, args.length);
    return commandLine.execute(full);
  }

  private BuildRecord find(String id) throws Exception {
    try (HistoryStore store = HistorySettings.fromEnvironment(env).openStore()) {
      List<BuildRecord> all = store.list(dev.imageci.history.HistoryQuery.latest(10));
      assertThat(all).hasSize(1);
      return store.find(id).orElseThrow(() -> new AssertionError("no record " + id));
    }
  }

  private static void sql(String statement) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(
                required("IMAGECI_TEST_DB_URL"),
                required("IMAGECI_TEST_DB_USER"),
                required("IMAGECI_TEST_DB_PASSWORD"));
        Statement sql = connection.createStatement()) {
      sql.execute(statement);
    }
  }

  private static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          name + " is not set: run scripts/services start and eval \"$(scripts/services env)\"");
    }
    return value;
  }
}
