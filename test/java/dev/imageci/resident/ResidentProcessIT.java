package dev.imageci.resident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The resident imageci process as the launcher runs it: a JVM of the packaged jar started with an
 * empty environment, in a directory of mode 700, and the Perl client of scripts/ talking to it from
 * another directory with an environment of its own. Builds go to the real daemon and the registry
 * with authentication that scripts/services starts.
 */
class ResidentProcessIT {

  private static final Path JAR = Path.of(System.getProperty("imageci.jar", "target/imageci.jar"));
  private static final Path CLIENT = Path.of("scripts", "resident-client.pl").toAbsolutePath();

  @TempDir Path temp;

  private Path directory;
  private Path socket;
  private Path work;
  private Process server;

  record Result(int exit, String stdout, String stderr) {}

  @BeforeEach
  void privateDirectory() throws IOException {
    directory = Files.createDirectory(temp.resolve("resident"));
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
    socket = directory.resolve("imageci-test.sock");
    work = Files.createDirectory(temp.resolve("work"));
  }

  @AfterEach
  void stopServer() throws InterruptedException {
    if (server != null && server.isAlive()) {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void rendersInTheCallersDirectoryWhatAJvmOfItsOwnRenders() throws Exception {
    startServer(60);
    Files.writeString(work.resolve("image.yaml"), form("render", "run: [\"echo 'a $HOME'\"]\n"));
    Files.writeString(work.resolve("bad.yaml"), "image: r.example.com/t/app\nrun: [1]\n");

    Result resident = client(Map.of(), "render", "image.yaml");
    Result own = ownJvm(Map.of(), "render", "image.yaml");
    Result invalid = client(Map.of(), "render", "bad.yaml");
    Result invalidOwn = ownJvm(Map.of(), "render", "bad.yaml");

    assertThat(resident.exit()).as(resident.stderr() + serverLog()).isZero();
    assertThat(resident.stdout()).isEqualTo(own.stdout()).contains("RUN echo 'a $HOME'");
    assertThat(invalid.exit()).isEqualTo(2);
    assertThat(invalid.stderr()).isEqualTo(invalidOwn.stderr()).contains("bad.yaml: from:");
    assertThat(serverLog()).contains("Request[render in " + work.toRealPath());
  }

  @Test
  void readsTheCallersEnvironmentWithRelativePathsFromItsDirectory() throws Exception {
    startServer(60);

    Result recorded =
        client(
            Map.of("IMAGECI_HOME", "home"),
            "history",
            "record",
            "--status",
            "failed",
            "--error",
            "refused at Verify",
            "--image",
            "r.example.com/team/app");
    Result listed = client(Map.of("IMAGECI_HOME", "home"), "history", "--json");
    Result elsewhere =
        client(Map.of("IMAGECI_HOME", temp.resolve("other").toString()), "history", "--json");

    assertThat(recorded.exit()).as(recorded.stderr()).isZero();
    assertThat(work.resolve("home").resolve("history.db")).isRegularFile();
    JsonNode records = new ObjectMapper().readTree(listed.stdout());
    assertThat(records).hasSize(1);
    assertThat(records.get(0).get("error").asText()).isEqualTo("refused at Verify");
    assertThat(new ObjectMapper().readTree(elsewhere.stdout())).isEmpty();
  }

  @Test
  void withNoResidentProcessTheClientExits75AndPrintsNothing() throws Exception {
    Result result = client(Map.of(), "render", "image.yaml");

    assertThat(result.exit()).isEqualTo(75);
    assertThat(result.stdout()).isEmpty();
    assertThat(result.stderr()).isEmpty();
  }

  @Test
  void refusesToServeFromADirectoryOtherUsersCanEnter() throws Exception {
    Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));

    Process refused = serverProcess(60);

    assertThat(refused.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(refused.exitValue()).isEqualTo(1);
    assertThat(serverLog()).contains("not starting").contains("open to other users");
    assertThat(socket).doesNotExist();
  }

  @Test
  void anotherUserCannotReachItAndRunsNothing() throws Exception {
    startServer(60);
    Files.writeString(work.resolve("image.yaml"), form("user", ""));

    // nobody, as a client started by another account on the agent would be.
    Result other =
        run(
            new ProcessBuilder(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "perl",
                CLIENT.toString(),
                socket.toString(),
                "render",
                "image.yaml"),
            Map.of());

    assertThat(other.exit()).as(other.stderr()).isEqualTo(75);
    assertThat(other.stdout()).isEmpty();
    assertThat(serverLog()).doesNotContain("Request[");
  }

  @Test
  void sigtermToTheClientCancelsItsBuildAndTheProcessServesOn() throws Exception {
    startServer(60);
    Map<String, String> env = Map.of("IMAGECI_HOME", "home");
    LongBuild build = startLongBuild("cancel", env);
    new ProcessBuilder("kill", "-TERM", Long.toString(build.process().pid())).start().waitFor();

    assertThat(build.process().waitFor(60, TimeUnit.SECONDS)).as("cancelled in a minute").isTrue();
    build.reader().join();
    assertThat(build.process().exitValue()).as(build.stderr().toString()).isEqualTo(130);
    assertThat(build.stderr().toString()).contains("cancelled by SIGTERM");
    assertThat(runningContainers(build.marker())).as("no RUN container left").isEmpty();
    JsonNode records = new ObjectMapper().readTree(client(env, "history", "--json").stdout());
    assertThat(records.get(0).get("status").asText()).isEqualTo("cancelled");
    assertThat(client(env, "render", "image.yaml").exit()).isZero();
  }

  @Test
  void aClientThatIsKilledHasItsBuildCancelled() throws Exception {
    startServer(60);
    Map<String, String> env = Map.of("IMAGECI_HOME", "home");
    LongBuild build = startLongBuild("killed", env);
    build.process().destroyForcibly();

    JsonNode record =
        await(
            () -> new ObjectMapper().readTree(client(env, "history", "--json").stdout()).get(0),
            r -> !r.get("status").asText().equals("running"));
    assertThat(record.get("status").asText()).isEqualTo("cancelled");
    assertThat(record.get("error").asText()).contains("the imageci client went away");
    await(() -> runningContainers(build.marker()), List::isEmpty);
  }

  @Test
  void concurrentBuildsGetTheirOwnTagsAndOnlyTheirOwnOutput() throws Exception {
    startServer(60);
    String repository =
        System.getenv("IMAGECI_TEST_REGISTRY")
            + "/imageci-test-docker/resident-"
            + UUID.randomUUID().toString().substring(0, 8);
    Map<String, String> env = new HashMap<>(credentials());
    env.put("IMAGECI_HOME", "home");
    List<Process> builds = new ArrayList<>();
    List<StringBuilder> errors = new ArrayList<>();
    List<String> markers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      String marker = "marker-" + i + "-" + UUID.randomUUID().toString().substring(0, 6);
      Path form = work.resolve("image-" + i + ".yaml");
      Files.writeString(
          form, formFor(repository, "auto", "run: [\"echo " + marker + " > /marker; sleep 1\"]\n"));
      markers.add(marker);
      builds.add(clientProcess(env, "build", form.getFileName().toString(), "--push", "--json"));
      errors.add(new StringBuilder());
      drain(builds.get(i), errors.get(i));
    }

    List<String> tags = new ArrayList<>();
    List<String> logs = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Process build = builds.get(i);
      String stdout = new String(build.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(build.waitFor(5, TimeUnit.MINUTES)).isTrue();
      synchronized (errors.get(i)) {
        logs.add(errors.get(i).toString());
      }
      assertThat(build.exitValue()).as(logs.get(i)).isZero();
      JsonNode result = new ObjectMapper().readTree(stdout);
      assertThat(result.get("status").asText()).isEqualTo("succeeded");
      tags.add(result.get("tags").get(0).asText());
    }

    assertThat(tags).containsExactlyInAnyOrder("01", "02", "03");
    for (int i = 0; i < 3; i++) {
      // The daemon's output comes through the command's own writer, the pipeline's log lines
      // through System.err: both must reach this client only.
      assertThat(logs.get(i))
          .contains(markers.get(i))
          .contains("Pushing " + repository + ":" + tags.get(i));
      for (int j = 0; j < 3; j++) {
        if (j != i) {
          assertThat(logs.get(i))
              .as("build %d's log", i)
              .doesNotContain(markers.get(j))
              .doesNotContain("Pushing " + repository + ":" + tags.get(j));
        }
      }
    }
  }

  @Test
  void warmsUpOnABuiltInFormAndRemovesWhatTheWarmUpLeft() throws Exception {
    startServer(60);

    Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
    while (!serverLog().contains("resident: warmed up in ") && Instant.now().isBefore(deadline)) {
      Thread.sleep(100);
    }

    assertThat(serverLog()).contains("resident: warmed up in ").doesNotContain("warm-up failed");
    assertThat(directory.resolve("imageci-test.warmup")).doesNotExist();
  }

  @Test
  void exitsWhenIdleAndRemovesItsSocketAndItsCopyOfTheJar() throws Exception {
    Path copy = directory.resolve("imageci-test.jar");
    Files.copy(JAR, copy);
    startServer(2, copy);

    assertThat(server.waitFor(60, TimeUnit.SECONDS)).as("exits once idle").isTrue();

    assertThat(server.exitValue()).isZero();
    assertThat(socket).doesNotExist();
    assertThat(directory.resolve("imageci-test.pid")).doesNotExist();
    assertThat(copy).doesNotExist();
    assertThat(serverLog()).contains("stopping (idle for 2s)");
  }

  // ---- helpers ---------------------------------------------------------------------------

  /** A build through the client whose RUN has printed its marker and now sleeps. */
  private record LongBuild(Process process, String marker, StringBuilder stderr, Thread reader) {}

  private LongBuild startLongBuild(String name, Map<String, String> env) throws Exception {
    String marker = "resident-" + UUID.randomUUID().toString().substring(0, 8);
    Files.writeString(
        work.resolve("image.yaml"), form(name, "run: [\"echo " + marker + "; sleep 300\"]\n"));
    Process build = clientProcess(env, "build", "image.yaml");
    StringBuilder stderr = new StringBuilder();
    Thread reader = drain(build, stderr);
    awaitText(stderr, marker + "\n", build);
    return new LongBuild(build, marker, stderr, reader);
  }

  private void startServer(int idleSeconds) throws Exception {
    startServer(idleSeconds, JAR.toAbsolutePath());
  }

  private void startServer(int idleSeconds, Path jar) throws Exception {
    server = serverProcess(idleSeconds, jar);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
    while (!Files.exists(socket)) {
      if (!server.isAlive() || Instant.now().isAfter(deadline)) {
        fail("the resident process did not start: " + serverLog());
      }
      Thread.sleep(50);
    }
  }

  private Process serverProcess(int idleSeconds) throws IOException {
    return serverProcess(idleSeconds, JAR.toAbsolutePath());
  }

  private Process serverProcess(int idleSeconds, Path jar) throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                javaCommand(),
                "-XX:+UseSerialGC",
                "-cp",
                jar.toString(),
                ResidentServer.class.getName(),
                socket.toString(),
                Integer.toString(idleSeconds))
            .directory(Path.of("/").toFile())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
    // As the launcher starts it: nothing of any caller's environment.
    builder.environment().clear();
    builder.environment().put("PATH", System.getenv("PATH"));
    builder.environment().put("LC_ALL", "C.UTF-8");
    return builder.start();
  }

  private Path logFile() {
    return directory.resolve("imageci-test.log");
  }

  private String serverLog() throws IOException {
    return Files.exists(logFile()) ? Files.readString(logFile()) : "";
  }

  private Result client(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("perl", CLIENT.toString(), socket.toString()));
    command.addAll(List.of(args));
    return run(new ProcessBuilder(command), env);
  }

  private Process clientProcess(Map<String, String> env, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("perl", CLIENT.toString(), socket.toString()));
    command.addAll(List.of(args));
    return withEnv(new ProcessBuilder(command), env).start();
  }

  private Result ownJvm(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(javaCommand(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    return run(new ProcessBuilder(command), env);
  }

  private ProcessBuilder withEnv(ProcessBuilder builder, Map<String, String> env) {
    builder.directory(work.toFile());
    builder.environment().remove("IMAGECI_DB_URL");
    builder.environment().put("DOCKER_CONFIG", temp.resolve("docker-config").toString());
    builder.environment().putAll(env);
    return builder.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
  }

  private Result run(ProcessBuilder builder, Map<String, String> env) throws Exception {
    Process process = withEnv(builder, env).start();
    StringBuilder stderr = new StringBuilder();
    Thread reader = drain(process, stderr);
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("the command did not finish: " + stderr);
    }
    reader.join();
    return new Result(process.exitValue(), stdout, stderr.toString());
  }

  private static Thread drain(Process process, StringBuilder into) {
    Thread thread =
        new Thread(
            () -> {
              byte[] buffer = new byte[8192];
              try (var in = process.getErrorStream()) {
                int read;
                while ((read = in.read(buffer)) > 0) {
                  synchronized (into) {
                    into.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                  }
                }
              } catch (IOException e) {
                synchronized (into) {
                  into.append(e);
                }
              }
            });
    thread.start();
    return thread;
  }

  private static void awaitText(StringBuilder text, String wanted, Process process)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(2));
    while (true) {
      synchronized (text) {
        if (text.indexOf(wanted) >= 0) {
          return;
        }
        if (!process.isAlive() || Instant.now().isAfter(deadline)) {
          fail("never printed " + wanted.strip() + ": " + text);
        }
      }
      Thread.sleep(50);
    }
  }

  private static <T> T await(Check<T> read, Predicate<T> done) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
    T value = read.get();
    while (!done.test(value)) {
      if (Instant.now().isAfter(deadline)) {
        fail("still " + value + " after a minute");
      }
      Thread.sleep(200);
      value = read.get();
    }
    return value;
  }

  @FunctionalInterface
  private interface Check<T> {
    T get() throws Exception;
  }

  private static List<String> runningContainers(String marker) throws Exception {
    Process ps =
        new ProcessBuilder("docker", "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Command}}")
            .start();
    String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    ps.waitFor();
    return out.lines().filter(line -> line.contains(marker)).toList();
  }

  private static String form(String name, String rest) {
    String repository =
        "127.0.0.1:5000/imageci-test-resident/"
            + name
            + "-"
            + UUID.randomUUID().toString().substring(0, 8);
    return formFor(repository, "\"01\"", rest);
  }

  private static String formFor(String repository, String tag, String rest) {
    String base = System.getenv().getOrDefault("IMAGECI_TEST_BASE_IMAGE", "scratch");
    return "image: " + repository + "\ntag: " + tag + "\nfrom: " + base + "\n" + rest;
  }

  private static Map<String, String> credentials() {
    return Map.of(
        "IMAGECI_REGISTRY_USER", require("IMAGECI_TEST_REGISTRY_USER"),
        "IMAGECI_REGISTRY_PASSWORD", require("IMAGECI_TEST_REGISTRY_PASSWORD"));
  }

  private static String require(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      fail(variable + " is not set: run `scripts/services start` and eval `scripts/services env`");
    }
    return value;
  }

  private static String javaCommand() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
