package dev.imageci.resident;

import dev.imageci.cli.ImageCi;
import dev.imageci.cli.Invocation;
import dev.imageci.config.Rootfs;
import dev.imageci.context.BuildContext;
import dev.imageci.context.RootfsException;
import dev.imageci.context.RootfsPolicy;
import dev.imageci.context.RootfsPreparer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Runs a small built-in form through the command line a few times when the resident process starts,
 * so the first real command finds its code loaded and compiled: renders, builds against a daemon
 * that is not there (they read the form, hash the rootfs, open a history of their own and start the
 * Docker client, then fail as meant), and build contexts streamed to nowhere (the rootfs checked
 * and hashed on the way). Nothing leaves its directory.
 */
final class Warmup {

  private static final int RENDERS = 200;
  private static final int BUILDS = 3;
  private static final int CONTEXTS = 30;
  private static final int ROOTFS_BYTES = 512 * 1024;

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
            Invocation.Cancellation.NONE);
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
    Rootfs rootfs = new Rootfs(directory.resolve("rootfs.tar.gz"), null, null, false);
    RootfsPreparer preparer = new RootfsPreparer(RootfsPolicy.defaults());
    for (int i = 0; i < CONTEXTS; i++) {
      try (InputStream context =
          BuildContext.of(sha256 -> "FROM scratch\n", preparer.prepareHashedOnTheWay(rootfs), "r")
              .open()) {
        context.transferTo(OutputStream.nullOutputStream());
      } catch (RootfsException e) {
        throw new IOException(e.getMessage(), e);
      }
    }
  }

  private static void writeRootfs(Path file) throws IOException {
    // Not compressible, as most rootfs bytes are not; a fixed seed keeps it the same every time.
    byte[] content = new byte[ROOTFS_BYTES];
    new Random(1).nextBytes(content);
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
