package dev.imageci.resident;

import static org.assertj.core.api.Assertions.assertThat;

import dev.imageci.cli.ImageCi;
import dev.imageci.cli.Invocation;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm-up's builds against its stand-in daemon and registry. They must succeed, or the warm-up
 * would compile the failure path instead of the one real builds take.
 */
class WarmupTest {

  @TempDir Path dir;

  @Test
  void itsBuildsBuildPushAndReuseAgainstTheStandIns() throws Exception {
    Capture output = new Capture();

    List<Integer> statuses = Warmup.run(dir.resolve("warmup"), output);

    assertThat(statuses).hasSize(9).containsOnly(0);
    assertThat(output.text())
        .contains("Successfully built")
        .contains("0123456789ab: Pushed")
        .contains("1: digest: sha256:");
    StringWriter history = new StringWriter();
    PrintWriter writer = new PrintWriter(history, true);
    Invocation inHome =
        new Invocation(
            Map.of("IMAGECI_HOME", dir.resolve("warmup/home").toString()),
            dir,
            Invocation.Cancellation.NONE);
    assertThat(ImageCi.run(inHome, writer, writer, "history", "--json")).isZero();
    assertThat(history.toString())
        .as("built and pushed, then reused")
        .contains("\"status\" : \"succeeded\"")
        .contains("\"status\" : \"reused\"")
        .doesNotContain("\"status\" : \"failed\"");
  }

  @Test
  void leavesNothingBehind() throws Exception {
    Path warmup = dir.resolve("warmup");
    Warmup.run(warmup);

    Warmup.remove(warmup);

    assertThat(warmup).doesNotExist();
    assertThat(Files.list(dir)).isEmpty();
  }

  /** The output of the warm-up's commands, both streams in one. */
  private static final class Capture implements RoutedOutput.Target {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public OutputStream stdout() {
      return bytes;
    }

    @Override
    public OutputStream stderr() {
      return bytes;
    }

    @Override
    public boolean isOpen() {
      return true;
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
