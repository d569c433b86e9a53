package dev.imageci.cli;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs imageci in a JVM of its own, as a Jenkins agent runs it, logged in to the test registry
 * through IMAGECI_REGISTRY_USER/_PASSWORD and with a Docker config of its own.
 */
final class ImageCiProcess {

  /** What a finished command left: its exit status and everything it printed. */
  record Result(int exit, String stdout, String stderr) {}

  private final Map<String, String> baseEnv;

  /**
   * @param dir a directory of the test's own, for the Docker config
   * @param env environment every command gets, on top of the credentials
   */
  ImageCiProcess(Path dir, Map<String, String> env) {
    baseEnv = new HashMap<>();
    baseEnv.put("IMAGECI_REGISTRY_USER", require("IMAGECI_TEST_REGISTRY_USER"));
    baseEnv.put("IMAGECI_REGISTRY_PASSWORD", require("IMAGECI_TEST_REGISTRY_PASSWORD"));
    baseEnv.put("DOCKER_CONFIG", dir.resolve("docker-config").toString());
    baseEnv.putAll(env);
  }

  /** Starts a command; {@code extraEnv} goes on top of the base environment. */
  Process start(Map<String, String> extraEnv, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ImageCi.class.getName());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    Map<String, String> env = builder.environment();
    env.remove("IMAGECI_DB_URL"); // the history is the test's to choose, never the shell's
    env.putAll(baseEnv);
    env.putAll(extraEnv);
    return builder.start();
  }

  /** Runs a command to its end (at most five minutes) and collects what it printed. */
  Result run(Map<String, String> extraEnv, String... args) throws Exception {
    Process process = start(extraEnv, args);
    StringBuilder stderr = new StringBuilder();
    Thread reader = drainErrors(process, stderr);
    String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      fail("imageci did not finish: " + stderr);
    }
    reader.join();
    return new Result(process.exitValue(), stdout, stderr.toString());
  }

  /** Reads the process's stderr into {@code into} on a thread of its own, until it closes. */
  static Thread drainErrors(Process process, StringBuilder into) {
    Thread thread =
        new Thread(
            () -> {
              String text;
              try {
                text = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
              } catch (IOException e) {
                text = e.toString();
              }
              synchronized (into) {
                into.append(text);
              }
            });
    thread.start();
    return thread;
  }

  static String require(String variable) {
    String value = System.getenv(variable);
    if (value == null || value.isEmpty()) {
      fail(variable + " is not set: run `scripts/services start` and eval `scripts/services env`");
    }
    return value;
  }
}
