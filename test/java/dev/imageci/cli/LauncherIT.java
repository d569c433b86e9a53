package dev.imageci.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageci.resident.ResidentServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/imageci}, the launcher with a class data archive, run on a copy of the built jar.
 * The {@code java} it runs is a wrapper that writes down its arguments, so the test sees how the
 * archive was trained and that the next run uses it.
 */
class LauncherIT {

  private static final Path LAUNCHER = Path.of("scripts", "imageci").toAbsolutePath();

  @TempDir Path temp;

  record Run(int status, String out, String err) {}

  /** Set for the resident process's test; the others run every command in a JVM of its own. */
  private Path residentDirectory;

  /** Set for a launcher copied beside a jar, as the Jenkins library caches them. */
  private Path launcherBesideJar;

  private Run launch(String... args) throws IOException, InterruptedException {
    Path java = temp.resolve("java");
    if (!Files.exists(java)) {
      Files.writeString(
          java,
          "#!/bin/sh\nprintf '%s\\n' \"$*\" >>\""
              + temp.resolve("java-calls")
              + "\"\nexec \""
              + Path.of(System.getProperty("java.home"), "bin", "java")
              + "\" \"$@\"\n");
      Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.copy(Path.of("target", "imageci.jar"), temp.resolve("imageci.jar"));
    }
    ProcessBuilder builder =
        new ProcessBuilder(
                concat(
                        List.of(
                            (launcherBesideJar == null ? LAUNCHER : launcherBesideJar).toString()),
                        List.of(args))
                    .toArray(String[]::new))
            .redirectOutput(temp.resolve("out").toFile())
            .redirectError(temp.resolve("err").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    Map<String, String> env = builder.environment();
    env.remove("IMAGECI_JAR");
    if (launcherBesideJar == null) {
      env.put("IMAGECI_JAR", temp.resolve("imageci.jar").toString());
    }
    env.put("JAVA", java.toString());
    env.put("IMAGECI_HOME", temp.resolve("home").toString());
    if (residentDirectory == null) {
      env.put("IMAGECI_RESIDENT", "0");
    } else {
      env.put("IMAGECI_RESIDENT_DIR", residentDirectory.toString());
      env.remove("IMAGECI_RESIDENT");
    }
    Process process = builder.start();
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the launcher did not finish");
    }
    return new Run(
        process.exitValue(),
        Files.readString(temp.resolve("out"), StandardCharsets.UTF_8),
        Files.readString(temp.resolve("err"), StandardCharsets.UTF_8));
  }

  private List<String> calls() throws IOException {
    return Files.readAllLines(temp.resolve("java-calls"));
  }

  @Test
  void theFirstRunTrainsAnArchiveOnABuildAndLaterRunsUseIt() throws Exception {
    Run version = launch("--version");

    assertThat(version.status()).as(version.err()).isZero();
    assertThat(version.out()).startsWith("imageci ");
    assertThat(temp.resolve("imageci.jsa")).isNotEmptyFile();
    assertThat(calls().get(0)).contains("-XX:ArchiveClassesAtExit=").contains(" build ");
    assertThat(calls().get(1))
        .contains("-XX:SharedArchiveFile=" + temp.resolve("imageci.jsa"))
        .endsWith("--version");
    assertThat(temp.resolve("home")).as("the training keeps its history to itself").doesNotExist();

    Path form = temp.resolve("image.yaml");
    Files.writeString(
        form, "image: registry.example.com/team/app\nfrom: registry.example.com/base/os:1\n");
    Run render = launch("render", form.toString());

    assertThat(render.status()).as(render.err()).isZero();
    assertThat(render.out()).contains("FROM registry.example.com/base/os:1");
    assertThat(calls()).hasSize(3);
    assertThat(calls().get(2))
        .contains("-XX:SharedArchiveFile=")
        .contains("-XX:TieredStopAtLevel=1");

    // A build keeps C2, for hashing a large rootfs with the CPU's SHA instructions, but late.
    Run build = launch("build", "--help");

    assertThat(build.status()).as(build.err()).isZero();
    assertThat(build.out()).contains("--push");
    assertThat(calls()).hasSize(4);
    assertThat(calls().get(3))
        .contains("-XX:SharedArchiveFile=")
        .contains("-XX:Tier4InvocationThreshold=100000")
        .doesNotContain("TieredStopAtLevel");
  }

  @Test
  void laterCommandsGoToTheResidentProcessTheFirstOneStarted() throws Exception {
    residentDirectory = temp.resolve("resident");
    Path form = temp.resolve("image.yaml");
    Files.writeString(
        form, "image: registry.example.com/team/app\nfrom: registry.example.com/base/os:1\n");

    Run first = launch("render", form.toString());

    assertThat(first.status()).as(first.err()).isZero();
    assertThat(first.out()).contains("FROM registry.example.com/base/os:1");
    assertThat(calls()).anyMatch(call -> call.contains("-jar") && call.endsWith("render " + form));
    // C2 late there too: compiling start-up code took a core from the daemon in every cold build.
    assertThat(calls())
        .filteredOn(call -> call.contains(ResidentServer.class.getName()))
        .singleElement()
        .asString()
        .contains("-XX:Tier4InvocationThreshold=100000", "-XX:+UseSerialGC")
        .contains("-XX:Tier3InvocationThreshold=40");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(residentDirectory)))
        .isEqualTo("rwx------");
    Path socket = awaitSocket();

    int jvmsSoFar = calls().size();
    Run second = launch("render", form.toString());

    assertThat(second.status()).as(second.err()).isZero();
    assertThat(second.out()).isEqualTo(first.out());
    assertThat(calls()).as("no JVM started for the second command").hasSize(jvmsSoFar);
    Path log = Path.of(socket.toString().replaceFirst("\\.sock$", ".log"));
    assertThat(Files.readString(log)).contains("Request[render in ");

    stopResident(socket);
  }

  @Test
  void aLauncherCopiedBesideAJarRunsThatJarThroughTheResidentProcess() throws Exception {
    residentDirectory = temp.resolve("resident");
    Path cache = Files.createDirectories(temp.resolve("cli-cache"));
    for (String script : List.of("imageci", "resident-client.pl")) {
      Files.copy(Path.of("scripts", script), cache.resolve(script));
    }
    Files.copy(Path.of("target", "imageci.jar"), cache.resolve("imageci.jar"));
    launcherBesideJar = cache.resolve("imageci");

    Run first = launch("--version");

    assertThat(first.status()).as(first.err()).isZero();
    assertThat(first.out()).startsWith("imageci ");
    assertThat(calls()).anyMatch(call -> call.contains("-jar " + cache.resolve("imageci.jar")));
    assertThat(cache.resolve("imageci.jsa")).as("its archive, beside that jar").isNotEmptyFile();
    Path socket = awaitSocket();
    int jvmsSoFar = calls().size();

    Run second = launch("--version");

    assertThat(second.out()).isEqualTo(first.out());
    assertThat(calls()).as("no JVM started for the second command").hasSize(jvmsSoFar);
    stopResident(socket);
  }

  private Path awaitSocket() throws Exception {
    for (int i = 0; i < 600; i++) {
      try (var files = Files.list(residentDirectory)) {
        var socket = files.filter(f -> f.toString().endsWith(".sock")).findFirst();
        if (socket.isPresent()) {
          return socket.get();
        }
      } catch (java.nio.file.NoSuchFileException notYet) {
        // the launcher has not made the directory yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no resident process came up in " + residentDirectory);
  }

  // SIGTERM, as an operator stops it: it stops taking commands and removes its files.
  private static void stopResident(Path socket) throws Exception {
    Path pid = Path.of(socket.toString().replaceFirst("\\.sock$", ".pid"));
    new ProcessBuilder("kill", "-TERM", Files.readString(pid).strip()).start().waitFor();
    for (int i = 0; i < 300 && Files.exists(socket); i++) {
      Thread.sleep(100);
    }
    assertThat(socket).doesNotExist();
  }

  private static List<String> concat(List<String> first, List<String> second) {
    return java.util.stream.Stream.concat(first.stream(), second.stream()).toList();
  }
}
