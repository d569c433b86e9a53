package dev.imageci.resident;

import dev.imageci.cli.ImageCi;
import dev.imageci.cli.Invocation;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Runs a small built-in form through the command line a few times when the resident process starts,
 * so the first real command finds its code loaded and compiled: renders, and builds against a
 * daemon that is not there (they read the form, hash the rootfs, open a history of their own and
 * start the Docker client, then fail as meant). Nothing leaves its directory.
 */
final class Warmup {

  private static final int RENDERS = 200;
  private static final int BUILDS = 3;

  private static final String FORM =
      """
      image: 127.0.0.1:5000/imageci/warmup
      tag: "1"
      from: scratch
      rootfs: rootfs.tar.gz
      run: ["echo warm > /etc/warm", "true"]
      env: {A: b}
      expose: [80, "53/udp"]
      labels: {a.b: c}
      workdir: /srv
      entrypoint: ["/bin/true"]
      cmd: ["x"]
      """;

  private Warmup() {}

  static void startInBackground(Path directory, PrintStream log) {
    Thread thread =
        new Thread(
            () -> {
              long started = System.nanoTime();
              try {
                run(directory);
                remove(directory);
                log.printf(
                    "resident: warmed up in %d ms%n", (System.nanoTime() - started) / 1_000_000);
              } catch (IOException | RuntimeException e) {
                log.println("resident: the warm-up failed, commands start cold: " + e);
              }
            },
            "imageci-resident-warmup");
    thread.setDaemon(true);
    thread.start();
  }

  private static void run(Path directory) throws IOException {
    Files.createDirectories(directory);
    Path form = directory.resolve("form.yaml");
    Files.writeString(form, FORM);
    writeRootfs(directory.resolve("rootfs.tar.gz"));
    Invocation invocation =
        new Invocation(
            Map.of(
                "IMAGECI_HOME",
                directory.resolve("home").toString(),
                "DOCKER_HOST",
                "unix://" + directory.resolve("no-daemon.sock")),
            directory,
            cancel -> () -> {});
    PrintWriter discard = new PrintWriter(OutputStream.nullOutputStream());
    RoutedOutput.Target nowhere = new Discard();
    RoutedOutput.runFor(
        nowhere,
        () -> {
          for (int i = 0; i < RENDERS; i++) {
            ImageCi.run(invocation, discard, discard, "render", form.toString());
          }
          for (int i = 0; i < BUILDS; i++) {
            ImageCi.run(invocation, discard, discard, "build", form.toString(), "--push");
          }
        });
  }

  private static void writeRootfs(Path file) throws IOException {
    byte[] content = "warm\n".getBytes(StandardCharsets.UTF_8);
    try (TarArchiveOutputStream tar =
        new TarArchiveOutputStream(new GZIPOutputStream(Files.newOutputStream(file)))) {
      TarArchiveEntry entry = new TarArchiveEntry("etc/imageci-warm");
      entry.setSize(content.length);
      tar.putArchiveEntry(entry);
      tar.write(content);
      tar.closeArchiveEntry();
    }
  }

  /** Removes what the warm-up left. */
  static void remove(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    }
  }

  private static final class Discard implements RoutedOutput.Target {
    @Override
    public OutputStream stdout() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public OutputStream stderr() {
      return OutputStream.nullOutputStream();
    }

    @Override
    public boolean isOpen() {
      return true;
    }
  }
}
