package dev.imageci.cli;

import static dev.imageci.cli.ImageCiProcess.require;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.imageci.cli.ImageCiProcess.Result;
import dev.imageci.docker.Registry;
import dev.imageci.docker.RegistryCredential;
import dev.imageci.history.BuildRecord;
import dev.imageci.history.BuildStatus;
import dev.imageci.history.HistoryQuery;
import dev.imageci.history.HistorySettings;
import dev.imageci.history.HistoryStore;
import dev.imageci.history.TcpProxy;
import dev.imageci.image.Digest;
import dev.imageci.image.ImageName;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code imageci build} processes and the image history: what each attempt leaves behind when it
 * succeeds, is refused, runs next to others, loses its database or is killed outright.
 */
@org.junit.jupiter.api.Tag("docker")
@org.junit.jupiter.api.Tag("registry")
@org.junit.jupiter.api.Tag("postgres")
class BuildCommandHistoryTest {

  @TempDir Path dir;

  private final List<String> schemas = new ArrayList<>();
  private String repository;

  @AfterEach
  void dropSchemas() throws Exception {
    for (String schema : schemas) {
      sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  @Test
  void aPushedBuildIsRecordedWithTheRegistrysDigestAndItsIdInTheJson() throws Exception {
    Path form = form("\"01\"", "run: [\"echo recorded\"]\n");

    Result run = imageci(sqlite(), "build", form.toString(), "--push", "--json", "--user", "ann");

    assertThat(run.exit()).as(run.stderr()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.stdout());
    BuildRecord record = find(sqlite(), json.get("historyId").asText());
    assertThat(record.status()).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(record.digest())
        .isEqualTo(json.get("digest").asText())
        .isEqualTo(registryDigest("01"));
    assertThat(record.triggeredBy()).isEqualTo("ann");
    assertThat(record.config()).isEqualTo(Files.readString(form));
    assertThat(record.dockerfile()).contains("RUN echo recorded");
  }

  @Test
  void anUnchangedRebuildIsReusedWithoutTheDaemonUnlessForced() throws Exception {
    Path form = form("auto", "run: [\"echo unchanged\"]\n");
    JsonNode first = json(imageci(sqlite(), "build", form.toString(), "--push", "--json"));
    Files.writeString(form, Files.readString(form).replace("tag: auto", "tag: [auto, stable]"));
    Map<String, String> noDaemon = new HashMap<>(sqlite());
    noDaemon.put("DOCKER_HOST", "tcp://127.0.0.1:1");

    // The new tag goes to the registry directly: no daemon is needed for a reuse.
    JsonNode reused = json(imageci(noDaemon, "build", form.toString(), "--push", "--json"));
    String stable = registryDigest("stable");
    JsonNode forced =
        json(imageci(sqlite(), "build", form.toString(), "--push", "--json", "--force"));

    assertThat(reused.get("status").asText()).isEqualTo("reused");
    assertThat(reused.get("digest").asText()).isEqualTo(first.get("digest").asText());
    assertThat(reused.get("tags").toString()).isEqualTo("[\"01\",\"stable\"]");
    assertThat(reused.get("stages").has("build")).isFalse();
    assertThat(stable).isEqualTo(first.get("digest").asText());
    assertThat(find(sqlite(), reused.get("historyId").asText()).status())
        .isEqualTo(BuildStatus.REUSED);
    assertThat(forced.get("status").asText()).isEqualTo("succeeded");
    assertThat(forced.get("tags").toString()).isEqualTo("[\"02\",\"stable\"]");
    assertThat(forced.get("stages").has("build")).isTrue();
  }

  @Test
  void anInvalidConfigLeavesAFailedRecordWithItsProblems() throws Exception {
    Path form = form("\"01\"", "run: \"not a list\"\n");

    Result run = imageci(sqlite(), "build", form.toString());

    assertThat(run.exit()).isEqualTo(2);
    BuildRecord record = only(sqlite());
    assertThat(record.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(record.image()).isEqualTo(repository);
    assertThat(record.error()).startsWith("invalid config: ").contains("run");
    assertThat(record.config()).isEqualTo(Files.readString(form));
  }

  @Test
  void concurrentAutoTagBuildsGetDistinctTagsOnSqlite() throws Exception {
    buildsThreeAtOnce(sqlite());
  }

  @Test
  void concurrentAutoTagBuildsGetDistinctTagsOnPostgres() throws Exception {
    buildsThreeAtOnce(database());
  }

  private void buildsThreeAtOnce(Map<String, String> env) throws Exception {
    List<Process> processes = new ArrayList<>();
    List<Path> results = new ArrayList<>();
    form("auto", "");
    for (int i = 0; i < 3; i++) {
      // Different commands, so none of them is a reuse of another.
      Path form = dir.resolve("form-" + i + ".yaml");
      Files.writeString(form, formText("auto", "run: [\"echo build " + i + "\"]\n"));
      Path result = dir.resolve("result-" + i + ".json");
      results.add(result);
      processes.add(
          start(env, "build", form.toString(), "--push", "--result-file", result.toString()));
    }
    for (Process process : processes) {
      process.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      assertThat(process.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(process.exitValue())
          .as(new String(process.getErrorStream().readAllBytes()))
          .isZero();
    }

    List<String> tags = new ArrayList<>();
    for (Path result : results) {
      JsonNode json = new ObjectMapper().readTree(result.toFile());
      BuildRecord record = find(env, json.get("historyId").asText());
      assertThat(record.status()).isEqualTo(BuildStatus.SUCCEEDED);
      assertThat(record.digest()).isEqualTo(registryDigest(record.tags().get(0)));
      tags.add(record.tags().get(0));
    }
    assertThat(tags).containsExactlyInAnyOrder("01", "02", "03");
  }

  @Test
  void aBuildWhoseDatabaseIsDownAtTheEndAppearsAfterTheNextRun() throws Exception {
    Map<String, String> direct = database();
    URI target = URI.create(direct.get("IMAGECI_DB_URL").substring("jdbc:".length()));
    try (TcpProxy proxy =
        new TcpProxy(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort()).start()) {
      Map<String, String> proxied = new HashMap<>(direct);
      proxied.put(
          "IMAGECI_DB_URL",
          "jdbc:postgresql://127.0.0.1:"
              + proxy.port()
              + target.getPath()
              + "?"
              + target.getQuery());
      Path form = form("\"01\"", "run: [\"echo waiting; sleep 5\"]\n");
      Process build = start(proxied, "build", form.toString(), "--push", "--json");
      awaitLine(build, "waiting");
      assertThat(list(direct)).extracting(BuildRecord::status).containsExactly(BuildStatus.RUNNING);

      proxy.stop();
      String stdout = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(build.waitFor(5, TimeUnit.MINUTES)).isTrue();
      assertThat(build.exitValue()).isZero();
      String id = new ObjectMapper().readTree(stdout).get("historyId").asText();
      assertThat(find(direct, id).status()).isEqualTo(BuildStatus.RUNNING);

      Result flush = imageci(direct, "history", "flush");

      assertThat(flush.stdout())
          .as(flush.stderr())
          .startsWith("Delivered 1 spooled build record(s)");
      BuildRecord record = find(direct, id);
      assertThat(record.status()).isEqualTo(BuildStatus.SUCCEEDED);
      assertThat(record.digest()).isEqualTo(registryDigest("01"));
    }
  }

  @Test
  void aBuildKilledAfterItsPushIsSettledAsSucceededWithItsDigest() throws Exception {
    Path form = form("\"01\"", "run: [\"echo built\"]\n");
    Process build = start(sqlite(), "build", form.toString(), "--push");
    awaitLine(build, "The push refers to repository");

    // Stopped, the process cannot record the end; the daemon finishes the push on its own.
    signal("STOP", build);
    awaitRegistryTag("01");
    signal("KILL", build);
    build.waitFor(60, TimeUnit.SECONDS);
    Result next = imageci(sqlite(), "history", "flush");

    assertThat(next.stdout()).as(next.stderr()).contains("as succeeded");
    BuildRecord record = only(sqlite());
    assertThat(record.status()).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(record.digest()).isEqualTo(registryDigest("01"));
  }

  @Test
  void aBuildKilledBeforeItsPushIsSettledAsFailed() throws Exception {
    Path form = form("\"01\"", "run: [\"echo sleeping; sleep 300\"]\n");
    Process build = start(sqlite(), "build", form.toString(), "--push");
    awaitLine(build, "sleeping");

    signal("KILL", build);
    build.waitFor(60, TimeUnit.SECONDS);
    Result next = imageci(sqlite(), "build", form("\"02\"", "").toString());

    assertThat(next.exit()).as(next.stderr()).isZero();
    BuildRecord killed =
        list(sqlite()).stream().filter(r -> r.tags().contains("01")).findFirst().orElseThrow();
    assertThat(killed.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(killed.digest()).isNull();
    removeBuildContainers();
  }

  // Helpers.

  private Path form(String tag, String rest) throws Exception {
    repository =
        require("IMAGECI_TEST_REGISTRY")
            + "/imageci-test-docker/history-"
            + UUID.randomUUID().toString().substring(0, 8);
    Path file = dir.resolve("image.yaml");
    Files.writeString(file, formText(tag, rest));
    return file;
  }

  private String formText(String tag, String rest) {
    return "image: "
        + repository
        + "\ntag: "
        + tag
        + "\nfrom: "
        + require("IMAGECI_TEST_BASE_IMAGE")
        + "\n"
        + rest;
  }

  private Map<String, String> sqlite() {
    return Map.of("IMAGECI_HOME", dir.resolve("home").toString());
  }

  private Map<String, String> database() throws Exception {
    String schema = "build_test_" + UUID.randomUUID().toString().substring(0, 8);
    sql("CREATE SCHEMA " + schema);
    schemas.add(schema);
    return postgres(schema);
  }

  private Map<String, String> postgres(String schema) {
    String url = require("IMAGECI_TEST_DB_URL");
    Map<String, String> env = new HashMap<>(sqlite());
    env.put("IMAGECI_DB_URL", url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema);
    env.put("IMAGECI_DB_USER", require("IMAGECI_TEST_DB_USER"));
    env.put("IMAGECI_DB_PASSWORD", require("IMAGECI_TEST_DB_PASSWORD"));
    return env;
  }

  private static void sql(String statement) throws Exception {
    try (Connection connection =
            DriverManager.getConnection(
                require("IMAGECI_TEST_DB_URL"),
                require("IMAGECI_TEST_DB_USER"),
                require("IMAGECI_TEST_DB_PASSWORD"));
        Statement sql = connection.createStatement()) {
      sql.execute(statement);
    }
  }

  private static List<BuildRecord> list(Map<String, String> env) throws Exception {
    try (HistoryStore store = HistorySettings.fromEnvironment(env).openStore()) {
      return store.list(HistoryQuery.latest(100));
    }
  }

  private static BuildRecord find(Map<String, String> env, String id) throws Exception {
    try (HistoryStore store = HistorySettings.fromEnvironment(env).openStore()) {
      return store.find(id).orElseThrow(() -> new AssertionError("no record " + id));
    }
  }

  private static BuildRecord only(Map<String, String> env) throws Exception {
    List<BuildRecord> records = list(env);
    assertThat(records).hasSize(1);
    return records.get(0);
  }

  private String registryDigest(String tag) throws Exception {
    RegistryCredential credential =
        new RegistryCredential(
            require("IMAGECI_TEST_REGISTRY"),
            require("IMAGECI_TEST_REGISTRY_USER"),
            require("IMAGECI_TEST_REGISTRY_PASSWORD"),
            "test");
    Optional<Digest> digest =
        new Registry(ImageName.parse(repository), Optional.of(credential))
            .digestOf(new dev.imageci.image.Tag(tag));
    return digest.map(Digest::value).orElse(null);
  }

  private void awaitRegistryTag(String tag) throws Exception {
    for (int i = 0; i < 600; i++) {
      if (registryDigest(tag) != null) {
        return;
      }
      Thread.sleep(100);
    }
    fail("the push of " + tag + " never reached the registry");
  }

  /** Reads stderr until a line contains {@code text}, then keeps draining it in the background. */
  private static void awaitLine(Process process, String text) throws Exception {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    StringBuilder seen = new StringBuilder();
    String line;
    while ((line = reader.readLine()) != null) {
      seen.append(line).append('\n');
      if (line.contains(text)) {
        Thread drain =
            new Thread(
                () -> {
                  try {
                    reader.transferTo(java.io.Writer.nullWriter());
                  } catch (java.io.IOException e) {
                    // The process is gone.
                  }
                });
        drain.setDaemon(true);
        drain.start();
        return;
      }
    }
    fail("the build never printed \"" + text + "\":\n" + seen);
  }

  private static void signal(String name, Process process) throws Exception {
    new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
  }

  // A killed client leaves its RUN container to the daemon: remove the ones of this test.
  private void removeBuildContainers() throws Exception {
    Process ps =
        new ProcessBuilder("docker", "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Command}}")
            .start();
    String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    for (String line : out.split("\n")) {
      if (line.contains("echo sleeping; sleep 300")) {
        new ProcessBuilder("docker", "rm", "-f", line.substring(0, line.indexOf(' ')))
            .start()
            .waitFor();
      }
    }
  }

  private static JsonNode json(Result run) throws Exception {
    assertThat(run.exit()).as(run.stderr()).isZero();
    return new ObjectMapper().readTree(run.stdout());
  }

  private Result imageci(Map<String, String> env, String... args) throws Exception {
    return new ImageCiProcess(dir, Map.of()).run(env, args);
  }

  private Process start(Map<String, String> env, String... args) throws Exception {
    return new ImageCiProcess(dir, Map.of()).start(env, args);
  }
}
