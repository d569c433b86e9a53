package dev.imageci.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.PullImageResultCallback;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HostConfig;
import dev.imageci.config.Config;
import dev.imageci.config.ConfigReader;
import dev.imageci.context.RootfsPolicy;
import dev.imageci.docker.CancelSignal;
import dev.imageci.docker.DockerConnection;
import dev.imageci.docker.DockerImages;
import dev.imageci.docker.PushRetry;
import dev.imageci.docker.Registry;
import dev.imageci.docker.RegistryCredential;
import dev.imageci.history.BuildRecord;
import dev.imageci.history.HistoryRecorder;
import dev.imageci.history.HistorySettings;
import dev.imageci.history.HistoryStore;
import dev.imageci.image.ImageName;
import dev.imageci.image.Tag;
import dev.imageci.render.ConfigHash;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.Tag("docker")
@org.junit.jupiter.api.Tag("registry")
class BuildPipelineTest {

  @TempDir Path dir;

  private final StringBuffer output = new StringBuffer();
  private final List<String> createdImages = new ArrayList<>();
  private final List<HistoryRecorder> recorders = new ArrayList<>();
  private DockerConnection docker;
  private DockerClient client;
  private String password;
  private String user;
  private String baseImage;

  @BeforeEach
  void connect() throws Exception {
    Services.require("DOCKER_HOST");
    user = Services.require("IMAGECI_TEST_REGISTRY_USER");
    password = Services.require("IMAGECI_TEST_REGISTRY_PASSWORD");
    baseImage = Services.require("IMAGECI_TEST_BASE_IMAGE");
    docker = DockerConnection.fromEnvironment();
    client = docker.client();
  }

  @AfterEach
  void cleanUp() throws IOException {
    for (String repository : createdImages) {
      for (String reference : localTags(repository)) {
        try {
          client.removeImageCmd(reference).exec();
        } catch (com.github.dockerjava.api.exception.NotFoundException gone) {
          // Removed with another reference to the same image.
        }
      }
    }
    recorders.forEach(HistoryRecorder::close);
    assertThat(output.toString()).as("daemon output").doesNotContain(password);
    docker.close();
  }

  @Test
  void buildsPushesAndPullsBackAnImageWhoseConfigMatchesTheForm() throws Exception {
    String repository = Services.uniqueRepository("full");
    writeRootfs("rootfs.tar.gz", Map.of("app/hello.sh", HELLO, "app/hello.txt", "from-rootfs\n"));
    Config form =
        form(
            repository,
            """
            run:
              - echo one > /before1
              - echo two > /before2
            rootfs: rootfs.tar.gz
            runAfterRootfs:
              - cat /app/hello.txt > /after
              - chmod 0755 /app/hello.sh
            env:
              GREETING: hi there
              SECOND: "2"
            workdir: /app
            user: "65534:65534"
            expose: [8080, "53/udp"]
            labels:
              com.example.team: web
            volumes: [/data]
            entrypoint: ["/bin/sh", "/app/hello.sh"]
            cmd: ["arg1"]
            test: ["/bin/sh", "-c", "test -f /after"]
            """);

    Map<String, String> env = withCredentials();
    env.put("BUILD_URL", "https://jenkins.example.com/job/images/7/");

    BuildResult result = pipeline(env).run(form, "form.yaml", options(true));

    assertThat(result.status()).as(result.error()).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(result.digest()).isNotNull();
    assertThat(result.stages()).containsKeys("render", "rootfs", "build", "test", "tag", "push");
    assertThat(output.toString()).contains("Step 1/").doesNotContain("BuildResponseItem");
    String pinned = repository + "@" + result.digest();
    client.removeImageCmd(result.imageId()).withForce(true).exec();
    client
        .pullImageCmd(pinned)
        .withAuthConfig(auth())
        .exec(new PullImageResultCallback())
        .awaitCompletion();
    InspectImageResponse image = client.inspectImageCmd(pinned).exec();
    var config = image.getConfig();
    assertThat(config.getEnv()).contains("GREETING=hi there", "SECOND=2");
    assertThat(config.getEntrypoint()).containsExactly("/bin/sh", "/app/hello.sh");
    assertThat(config.getCmd()).containsExactly("arg1");
    assertThat(config.getExposedPorts())
        .containsExactlyInAnyOrder(ExposedPort.tcp(8080), ExposedPort.udp(53));
    assertThat(config.getUser()).isEqualTo("65534:65534");
    assertThat(config.getWorkingDir()).isEqualTo("/app");
    assertThat(config.getLabels())
        .containsEntry("com.example.team", "web")
        .containsKey("org.opencontainers.image.revision")
        .doesNotContainKey("org.opencontainers.image.created")
        .containsEntry(
            "org.opencontainers.image.source", "https://jenkins.example.com/job/images/7/")
        .containsEntry("org.opencontainers.image.url", "https://jenkins.example.com/job/images/7/");
    BuildRecord record = assertRecorded(result);
    assertThat(record.rootfsSha256()).isEqualTo(sha256(dir.resolve("rootfs.tar.gz")));
    assertThat(record.rootfsSize()).isEqualTo(Files.size(dir.resolve("rootfs.tar.gz")));
    assertThat(record.dockerfile()).contains("RUN echo one > /before1");
    assertThat(config.getLabels().get("org.opencontainers.image.revision"))
        .isEqualTo(record.configHash())
        .isEqualTo(ConfigHash.of(record.dockerfile(), record.rootfsSha256()));
    assertThat(config.getVolumes()).containsOnlyKeys("/data");
    assertThat(run(pinned)).isEqualTo("hi there arg1 one two from-rootfs /app 65534\n");
  }

  private static final String HELLO =
      "echo \"$GREETING $1 $(cat /before1) $(cat /before2) $(cat /after) $(pwd) $(id -u)\"\n";

  @Test
  void hostileValuesEndUpInTheImageVerbatimWithNoOtherEffect() throws Exception {
    String repository = Services.uniqueRepository("hostile");
    String hostile = "a \"q\" 'sq' $HOME \\back `touch /pwned` ; touch /pwned $(touch /pwned)";
    Config form =
        form(
            repository,
            """
            run:
              - "printf '%s\\\\n' \\"line1\\nline2\\" > /multi"
            env:
              HOSTILE: %1$s
            labels:
              com.example.hostile: %1$s
            workdir: "/tmp/w $HOME \\\\x"
            cmd: [%1$s]
            test: ["/bin/sh", "-c", "test ! -e /pwned"]
            """
                .replace("%1$s", yamlQuoted(hostile)));

    BuildResult result = pipeline(withCredentials()).run(form, "form.yaml", options(false));

    assertThat(result.status()).as(result.error()).isEqualTo(BuildStatus.SUCCEEDED);
    assertRecorded(result);
    var config = client.inspectImageCmd(result.imageId()).exec().getConfig();
    assertThat(config.getEnv()).contains("HOSTILE=" + hostile);
    assertThat(config.getLabels()).containsEntry("com.example.hostile", hostile);
    assertThat(config.getWorkingDir()).isEqualTo("/tmp/w $HOME \\x");
    assertThat(config.getCmd()).containsExactly(hostile);
    assertThat(run(result.imageId(), "/bin/sh", "-c", "ls /pwned 2>&1; cat /multi"))
        .isEqualTo("ls: /pwned: No such file or directory\nline1\nline2\n");
  }

  private static String yamlQuoted(String value) {
    return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Test
  void aFailingRunFailsTheBuildWithTheDaemonsMessageAndLeavesNoTag() throws Exception {
    String repository = Services.uniqueRepository("failing-run");
    Config form = form(repository, "run: [\"echo about to fail; exit 3\"]\n");

    BuildResult result = pipeline(withCredentials()).run(form, "form.yaml", options(true));

    assertThat(result.status()).isEqualTo(BuildStatus.FAILED);
    assertRecorded(result);
    assertThat(result.error()).contains("returned a non-zero code: 3");
    assertThat(output.toString()).contains("about to fail");
    assertThat(localTags(repository)).isEmpty();
  }

  @Test
  void aPrivateBaseImageIsPulledWithTheRegistryCredential() throws Exception {
    String base = Services.uniqueRepository("private-base");
    createdImages.add(base);
    DockerImages images = new DockerImages(docker, line -> output.append(line).append('\n'));
    images.tag(images.inspect(baseImage).getId(), ImageName.parse(base), new Tag("1"));
    images.push(
        ImageName.parse(base),
        new Tag("1"),
        credential(),
        PushRetry.defaults(),
        new CancelSignal());
    images.remove(base + ":1");
    Config form = form(Services.uniqueRepository("on-private-base"), base + ":1", "");

    BuildResult result = pipeline(withCredentials()).run(form, "form.yaml", options(false));

    assertThat(result.status()).as(result.error()).isEqualTo(BuildStatus.SUCCEEDED);
    assertRecorded(result);
    assertThat(output.toString()).contains("Pulling from imageci-test-docker/private-base");
  }

  @Test
  void aMissingBaseImageFailsTheBuild() throws Exception {
    String repository = Services.uniqueRepository("missing-base");
    String missing = Services.uniqueRepository("no-such-base") + ":1";
    Config form = form(repository, missing, "");

    BuildResult result = pipeline(withCredentials()).run(form, "form.yaml", options(false));

    assertThat(result.status()).isEqualTo(BuildStatus.FAILED);
    assertRecorded(result);
    assertThat(result.error()).contains("manifest unknown");
  }

  @Test
  void aCorruptRootfsFailsTheBuild() throws Exception {
    String repository = Services.uniqueRepository("corrupt");
    writeRootfs("good.tar.gz", Map.of("a", "x".repeat(100_000)));
    byte[] good = Files.readAllBytes(dir.resolve("good.tar.gz"));
    Files.write(dir.resolve("rootfs.tar.gz"), Arrays.copyOf(good, good.length / 2));
    Config form = form(repository, "rootfs: rootfs.tar.gz\n");

    BuildResult result = pipeline(withCredentials()).run(form, "form.yaml", options(false));

    assertThat(result.status()).isEqualTo(BuildStatus.FAILED);
    assertRecorded(result);
    assertThat(result.error()).containsIgnoringCase("eof");
  }

  @Test
  void aFailingSmokeTestStopsTheBuildBeforeThePush() throws Exception {
    String repository = Services.uniqueRepository("smoke");
    Config form =
        form(repository, "test: [\"/bin/sh\", \"-c\", \"echo smoke-said-this; exit 4\"]\n");

    BuildResult result = pipeline(withCredentials()).run(form, "form.yaml", options(true));

    assertThat(result.status()).isEqualTo(BuildStatus.FAILED);
    assertRecorded(result);
    assertThat(result.error()).contains("exited with status 4");
    assertThat(output.toString()).contains("smoke-said-this");
    assertThat(new Registry(form.image(), Optional.of(credential())).digestOf(new Tag("01")))
        .isEmpty();
    assertThat(localTags(repository)).as("neither the temporary tag nor a real one").isEmpty();
    assertThat(
            client
                .listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(DockerImages.CONTAINER_LABEL, "true"))
                .exec())
        .isEmpty();
  }

  @Test
  void aWrongPasswordFailsThePushWithoutRetryingOrPrintingIt() throws Exception {
    String repository = Services.uniqueRepository("wrong-password");
    Config form = form(repository, "");
    Map<String, String> env = withCredentials();
    String wrong = "wrong-" + password;
    env.put("IMAGECI_REGISTRY_PASSWORD", wrong);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream stderr = System.err;
    System.setErr(new PrintStream(new TeeStream(log, stderr), true, StandardCharsets.UTF_8));
    BuildResult result;
    try {
      result = pipeline(env).run(form, "form.yaml", options(true));
    } finally {
      System.setErr(stderr);
    }

    assertThat(result.status()).isEqualTo(BuildStatus.FAILED);
    assertRecorded(result);
    assertThat(result.error()).containsIgnoringCase("unauthorized").doesNotContain(wrong);
    String logged = log.toString(StandardCharsets.UTF_8);
    assertThat(logged).contains("from environment IMAGECI_REGISTRY_USER");
    assertThat(logged).doesNotContain(wrong).doesNotContain("retrying");
  }

  @Test
  void aRegistryThatIsDownFailsThePushAfterRetries() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String repository = "127.0.0.1:" + closedPort + "/imageci-test-docker/down";
    Config form = form(repository, "");

    BuildResult result = pipeline(withCredentials()).run(form, "form.yaml", options(true));

    assertThat(result.status()).isEqualTo(BuildStatus.FAILED);
    assertRecorded(result);
    assertThat(result.error()).contains("connection refused").contains("gave up after 2 attempts");
  }

  @Test
  void aPushThroughARegistryAnswering500ForAWhileSucceedsOnceItRecovers() throws Exception {
    try (FaultInjectingProxy proxy =
        new FaultInjectingProxy(Services.require("IMAGECI_TEST_REGISTRY"), 2)) {
      String repository =
          proxy.address()
              + "/imageci-test-docker/flaky-"
              + java.util.UUID.randomUUID().toString().substring(0, 8);
      Config form = form(repository, "");
      Map<String, String> env = withCredentials();
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      PrintStream stderr = System.err;
      System.setErr(new PrintStream(new TeeStream(log, stderr), true, StandardCharsets.UTF_8));
      BuildResult result;
      try {
        result = pipeline(env, new CancelSignal(), 4).run(form, "form.yaml", options(true));
      } finally {
        System.setErr(stderr);
      }

      assertThat(result.status()).as(result.error()).isEqualTo(BuildStatus.SUCCEEDED);
      assertThat(proxy.failedConnections()).isEqualTo(2);
      assertThat(result.digest()).isNotNull();
      assertRecorded(result);
    }
  }

  @Test
  void anUnchangedRebuildReusesTheImageAndAddsTheNewTagWithTheSameDigest() throws Exception {
    String repository = Services.uniqueRepository("reuse");
    writeRootfs("rootfs.tar.gz", Map.of("etc/motd", "same\n"));
    Config first = form(repository, "rootfs: rootfs.tar.gz\nrun: [\"echo first\"]\n");
    BuildResult built = pipeline(withCredentials()).run(first, "first", options(true));
    assertThat(built.status()).as(built.error()).isEqualTo(BuildStatus.SUCCEEDED);
    Config second =
        formTagged(repository, "\"02\"", "rootfs: rootfs.tar.gz\nrun: [\"echo first\"]\n");

    BuildResult reused = pipeline(withCredentials()).run(second, "second", options(true));

    assertThat(reused.status()).as(reused.error()).isEqualTo(BuildStatus.REUSED);
    assertThat(reused.digest()).isEqualTo(built.digest());
    assertThat(reused.tags()).containsExactly(new Tag("02"));
    assertThat(reused.stages()).containsKey("reuse").doesNotContainKeys("build", "push");
    assertRecorded(reused);
    assertThat(new Registry(second.image(), Optional.of(credential())).digestOf(new Tag("01")))
        .contains(built.digest());
  }

  @Test
  void forceRebuildsAnUnchangedForm() throws Exception {
    String repository = Services.uniqueRepository("force");
    Config form = form(repository, "run: [\"echo forced\"]\n");
    BuildResult built = pipeline(withCredentials()).run(form, "form", options(true));
    assertThat(built.status()).as(built.error()).isEqualTo(BuildStatus.SUCCEEDED);

    BuildResult forced = pipeline(withCredentials()).run(form, "form", forcedPush());

    assertThat(forced.status()).as(forced.error()).isEqualTo(BuildStatus.SUCCEEDED);
    assertThat(forced.stages()).containsKeys("build", "push").doesNotContainKey("reuse");
    assertRecorded(forced);
  }

  @Test
  void aForcedBuildHashesItsRootfsOnTheWayAndLabelsTheImageWithThatHash() throws Exception {
    String repository = Services.uniqueRepository("on-the-way");
    writeRootfs("rootfs.tar.gz", Map.of("app/hello.txt", "hashed on the way\n"));
    Config form = form(repository, "rootfs: rootfs.tar.gz\n");
    Map<String, String> env = withCredentials();
    env.put("BUILD_URL", "https://jenkins.example.com/job/a b/7/\nRUN touch /injected");

    BuildResult result = pipeline(env).run(form, "form", forcedPush());

    assertThat(result.status()).as(result.error()).isEqualTo(BuildStatus.SUCCEEDED);
    BuildRecord record = assertRecorded(result);
    assertThat(record.rootfsSha256()).isEqualTo(sha256(dir.resolve("rootfs.tar.gz")));
    assertThat(record.configHash())
        .isEqualTo(ConfigHash.of(record.dockerfile(), record.rootfsSha256()));
    Map<String, String> labels =
        client.inspectImageCmd(result.imageId()).exec().getConfig().getLabels();
    assertThat(labels)
        .containsEntry("org.opencontainers.image.revision", record.configHash())
        .containsEntry(
            "org.opencontainers.image.source",
            "https://jenkins.example.com/job/a%20b/7/%0ARUN%20touch%20/injected");
    assertThat(output.toString()).doesNotContain(": RUN touch /injected");
  }

  @Test
  void autoTagsTakeTheNextNumberOfTheImage() throws Exception {
    String repository = Services.uniqueRepository("auto");
    Config first = formTagged(repository, "auto", "run: [\"echo a\"]\n");
    BuildResult one = pipeline(withCredentials()).run(first, "first", options(true));
    Config second = formTagged(repository, "[auto, latest]", "run: [\"echo b\"]\n");

    BuildResult two = pipeline(withCredentials()).run(second, "second", options(true));

    assertThat(one.tags()).as(one.error()).containsExactly(new Tag("01"));
    assertThat(two.tags()).as(two.error()).containsExactly(new Tag("02"), new Tag("latest"));
    assertThat(assertRecorded(two).autoTag()).isEqualTo("02");
    assertRecorded(one);
    // Without a smoke test the builder gives the image its real tags; no temporary one, no tagging.
    assertThat(two.stages()).containsKey("build").doesNotContainKey("tag");
    assertThat(localTags(repository))
        .filteredOn(reference -> !reference.contains("@"))
        .containsExactlyInAnyOrder(repository + ":01", repository + ":02", repository + ":latest");
  }

  @Test
  void aRefusedRootfsLeavesAFailedRecordWithTheDockerfile() throws Exception {
    String repository = Services.uniqueRepository("refused");
    writeRootfs("rootfs.tar.gz", Map.of("../escape", "x"));
    Config form = form(repository, "rootfs: rootfs.tar.gz\n");

    BuildResult result = pipeline(withCredentials()).run(form, "the form text", options(true));

    assertThat(result.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(result.error()).contains("../escape");
    BuildRecord record = assertRecorded(result);
    assertThat(record.config()).isEqualTo("the form text");
    assertThat(record.dockerfile()).contains("ADD");
    assertThat(record.endedAt()).isNotNull();
  }

  @Test
  void aRootfsRefusedDuringTheUploadFailsTheBuildBeforeTheDaemonRunsAStep() throws Exception {
    String repository = Services.uniqueRepository("refused-upload");
    String marker = "ran-" + java.util.UUID.randomUUID();
    writeRootfsThenSetuid("rootfs.tar", 4 << 20); // several 1 MiB chunks go out before the refusal
    Config form =
        form(repository, "run: [\"echo " + marker + " > /marker\"]\nrootfs: rootfs.tar\n");

    BuildResult result = pipeline(withCredentials()).run(form, "form.yaml", options(false));

    assertThat(result.status()).isEqualTo(BuildStatus.FAILED);
    assertThat(result.error())
        .startsWith("rootfs ")
        .endsWith(
            "rootfs.tar: entry \"bin/su\" is set-uid; allow it with rootfs.allowSetuid: true");
    assertRecorded(result);
    assertThat(result.stages()).containsKeys("rootfs", "build");
    assertThat(output.toString()).as("daemon output").doesNotContain("Step 1/");
    assertThat(localTags(repository)).isEmpty();
    assertThat(client.listContainersCmd().withShowAll(true).exec())
        .noneMatch(c -> c.getCommand() != null && c.getCommand().contains(marker));
    assertThat(buildOutput("FROM " + baseImage + "\nRUN echo " + marker + " > /marker\n"))
        .as("the RUN step was never run, so the daemon has no cache of it")
        .contains(" ---> Running in ")
        .doesNotContain("Using cache");
  }

  /** Builds a Dockerfile with no rootfs through the daemon, returns its output, and removes it. */
  private String buildOutput(String dockerfile) throws Exception {
    StringBuilder lines = new StringBuilder();
    DockerImages images = new DockerImages(docker, line -> lines.append(line).append('\n'));
    String tag = Services.uniqueRepository("probe") + ":1";
    try (var context = new dev.imageci.context.BuildContext(dockerfile, null, null).open()) {
      String id =
          images
              .build(
                  context,
                  new dev.imageci.docker.BuildSpec(List.of(tag), false, false, null),
                  new CancelSignal())
              .getId();
      client.removeImageCmd(id).withForce(true).exec();
    }
    return lines.toString();
  }

  /** A plain tar: a file of {@code size} random bytes, then a set-uid file the check refuses. */
  private void writeRootfsThenSetuid(String name, int size) throws IOException {
    byte[] random = new byte[size];
    new java.util.Random(1).nextBytes(random);
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(Files.newOutputStream(dir.resolve(name)))) {
      TarArchiveEntry big = new TarArchiveEntry("srv/big.bin");
      big.setSize(size);
      tar.putArchiveEntry(big);
      tar.write(random);
      tar.closeArchiveEntry();
      TarArchiveEntry setuid = new TarArchiveEntry("bin/su");
      setuid.setSize(1);
      setuid.setMode(04755);
      tar.putArchiveEntry(setuid);
      tar.write('x');
      tar.closeArchiveEntry();
    }
  }

  @Test
  void aCancelStopsTheBuildInTheDaemonAndLeavesNoContainer() throws Exception {
    String repository = Services.uniqueRepository("cancel");
    Config form = form(repository, "run: [\"echo started; sleep 300\"]\n");
    CancelSignal cancel = new CancelSignal();
    BuildPipeline pipeline = pipeline(withCredentials(), cancel);

    CompletableFuture<BuildResult> running =
        CompletableFuture.supplyAsync(() -> pipeline.run(form, "form.yaml", options(false)));
    String container = awaitBuildContainer();
    cancel.cancel("cancelled by the test", false);
    BuildResult result = running.get(60, TimeUnit.SECONDS);

    assertThat(result.status()).isEqualTo(BuildStatus.CANCELLED);
    assertRecorded(result);
    assertThat(result.timedOut()).isFalse();
    assertThat(awaitGone(container)).as("build container %s removed", container).isTrue();
  }

  private String awaitBuildContainer() throws InterruptedException {
    for (int i = 0; i < 600; i++) {
      var match = java.util.regex.Pattern.compile("Running in ([0-9a-f]{12})").matcher(output);
      if (match.find() && output.toString().contains("started")) {
        return match.group(1);
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the build never started its RUN container:\n" + output);
  }

  private boolean awaitGone(String container) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      List<Container> all = client.listContainersCmd().withShowAll(true).exec();
      if (all.stream().noneMatch(c -> c.getId().startsWith(container))) {
        return true;
      }
      Thread.sleep(100);
    }
    return false;
  }

  // Helpers.

  private static String sha256(Path file) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }

  // Filtered here: the daemon's reference filter does not take a registry with a port.
  private List<String> localTags(String repository) {
    List<String> tags = new ArrayList<>();
    for (var image : client.listImagesCmd().exec()) {
      for (String tag : image.getRepoTags() == null ? new String[0] : image.getRepoTags()) {
        if (tag.startsWith(repository + ":")) {
          tags.add(tag);
        }
      }
      for (String pinned :
          image.getRepoDigests() == null ? new String[0] : image.getRepoDigests()) {
        if (pinned.startsWith(repository + "@")) {
          tags.add(pinned);
        }
      }
    }
    return tags;
  }

  private Config form(String repository, String rest) throws Exception {
    return form(repository, baseImage, rest);
  }

  private Config form(String repository, String from, String rest) throws Exception {
    return form(repository, from, "\"01\"", rest);
  }

  private Config formTagged(String repository, String tag, String rest) throws Exception {
    return form(repository, baseImage, tag, rest);
  }

  private Config form(String repository, String from, String tag, String rest) throws Exception {
    createdImages.add(repository);
    String yaml = "image: " + repository + "\ntag: " + tag + "\nfrom: " + from + "\n" + rest;
    Files.writeString(dir.resolve("form.yaml"), yaml);
    return ConfigReader.read(dir.resolve("form.yaml"));
  }

  private BuildOptions options(boolean push) {
    return new BuildOptions(push, false, false, false, Duration.ofMinutes(10), null, null, false);
  }

  private BuildOptions forcedPush() {
    return new BuildOptions(true, false, false, false, Duration.ofMinutes(10), null, null, true);
  }

  private Map<String, String> withCredentials() {
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("IMAGECI_REGISTRY_USER", user);
    env.put("IMAGECI_REGISTRY_PASSWORD", password);
    env.put("DOCKER_CONFIG", dir.resolve("no-docker-config").toString());
    env.put("IMAGECI_HOME", home().toString());
    env.remove("IMAGECI_DB_URL");
    return env;
  }

  private Path home() {
    return dir.resolve("imageci-home");
  }

  /**
   * The attempt's record matches the result, and a pushed digest is what the registry has for every
   * tag.
   */
  private BuildRecord assertRecorded(BuildResult result) throws Exception {
    assertThat(result.historyId()).as("history id").isNotNull();
    BuildRecord record;
    try (HistoryStore store =
        HistorySettings.fromEnvironment(Map.of("IMAGECI_HOME", home().toString())).openStore()) {
      record = store.find(result.historyId()).orElseThrow();
    }
    assertThat(record.status().word()).isEqualTo(result.status().word());
    assertThat(record.error()).isEqualTo(result.error());
    assertThat(record.tags()).isEqualTo(result.tags().stream().map(Tag::value).toList());
    assertThat(record.imageId()).isEqualTo(result.imageId());
    assertThat(record.digest()).isEqualTo(result.digest() == null ? null : result.digest().value());
    if (result.digest() != null) {
      Registry registry = new Registry(result.image(), Optional.of(credential()));
      for (Tag tag : result.tags()) {
        assertThat(registry.digestOf(tag).map(d -> d.value()))
            .as("registry digest of %s", tag)
            .contains(record.digest());
      }
    }
    return record;
  }

  private BuildPipeline pipeline(Map<String, String> env) {
    return pipeline(env, new CancelSignal());
  }

  private BuildPipeline pipeline(Map<String, String> env, CancelSignal cancel) {
    return pipeline(env, cancel, 2);
  }

  private BuildPipeline pipeline(Map<String, String> env, CancelSignal cancel, int attempts) {
    DockerImages images = new DockerImages(docker, line -> output.append(line).append('\n'));
    PushRetry retry = new PushRetry(attempts, Duration.ofMillis(100));
    HistoryRecorder recorder = HistoryRecorder.open(env, new RegistryHistoryProbe(env));
    recorders.add(recorder);
    return new BuildPipeline(
        images,
        RootfsPolicy.defaults(),
        new HistoryObserver(recorder, env),
        env,
        retry,
        cancel,
        Clock.systemUTC());
  }

  private RegistryCredential credential() {
    return new RegistryCredential(
        Services.require("IMAGECI_TEST_REGISTRY"), user, password, "test");
  }

  private AuthConfig auth() {
    return new AuthConfig()
        .withRegistryAddress(Services.require("IMAGECI_TEST_REGISTRY"))
        .withUsername(user)
        .withPassword(password);
  }

  private void writeRootfs(String name, Map<String, String> files) throws IOException {
    try (OutputStream file = Files.newOutputStream(dir.resolve(name));
        TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(file))) {
      for (var entry : files.entrySet()) {
        byte[] bytes = entry.getValue().getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry header = new TarArchiveEntry(entry.getKey());
        header.setSize(bytes.length);
        header.setMode(0644);
        tar.putArchiveEntry(header);
        tar.write(bytes);
        tar.closeArchiveEntry();
      }
    }
  }

  private String run(String image, String... command) throws InterruptedException {
    var create =
        client
            .createContainerCmd(image)
            .withNetworkDisabled(true)
            .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"));
    if (command.length > 0) {
      create.withEntrypoint(command).withUser("0");
    }
    String id = create.exec().getId();
    try {
      client.startContainerCmd(id).exec();
      client.waitContainerCmd(id).exec(new WaitContainerResultCallback()).awaitStatusCode();
      StringBuilder text = new StringBuilder();
      client
          .logContainerCmd(id)
          .withStdOut(true)
          .withStdErr(true)
          .exec(
              new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                  text.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
              })
          .awaitCompletion();
      return text.toString();
    } finally {
      client.removeContainerCmd(id).withForce(true).exec();
    }
  }

  /** Copies what is written to two streams: a capture and the real stderr. */
  private static final class TeeStream extends OutputStream {
    private final OutputStream first;
    private final OutputStream second;

    TeeStream(OutputStream first, OutputStream second) {
      this.first = first;
      this.second = second;
    }

    @Override
    public void write(int b) throws IOException {
      first.write(b);
      second.write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      first.write(bytes, offset, length);
      second.write(bytes, offset, length);
    }
  }
}
