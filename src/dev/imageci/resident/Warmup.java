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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Runs a small built-in form through the command line a few times when the resident process starts,
 * so the first real command finds its code loaded and compiled: renders, builds with {@code --push}
 * against {@link StandIns} on loopback (built, pushed, checked against the registry and recorded in
 * a history of their own; then reused, and forced), and build contexts streamed to nowhere (the
 * rootfs checked and hashed on the way). Nothing leaves its directory and loopback.
 *
 * <p>The builds used to go to a daemon that was not there, with a form the reader refused (scratch
 * with {@code run}), so none got past the form: the first real build then took 0.7 s of CPU from
 * the daemon's build steps, now 0.2 s.
 */
final class Warmup {

  private static final int RENDERS = 200;
  // A build and push, a reuse of it, a forced build and push: the paths of real builds.
  private static final List<List<String>> BUILDS =
      List.of(List.of("--push"), List.of("--push"), List.of("--push", "--force"));
  private static final int ROUNDS = 3;
  private static final int CONTEXTS = 30;
  private static final int ROOTFS_BYTES = 512 * 1024;

  private static final String FORM =
      """
      image: REGISTRY/imageci/warmup
      tag: "1"
      from: REGISTRY/imageci/base:1
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
                List<Integer> statuses = run(directory);
                remove(directory);
                if (statuses.stream().anyMatch(status -> status != 0)) {
                  log.println("resident: warm-up builds exited " + statuses + ", not all 0");
                }
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

  /** Runs the warm-up in {@code directory}; returns the exit statuses of its builds. */
  static List<Integer> run(Path directory) throws IOException {
    return run(directory, new Discard());
  }

  /** Like {@link #run(Path)}, with the builds' output to {@code output}. */
  static List<Integer> run(Path directory, RoutedOutput.Target output) throws IOException {
    Files.createDirectories(directory);
    List<Integer> statuses = new ArrayList<>();
    try (StandIns standIns = StandIns.start()) {
      Path form = directory.resolve("form.yaml");
      Files.writeString(form, FORM.replace("REGISTRY", standIns.registryHost()));
      writeRootfs(directory.resolve("rootfs.tar.gz"));
      Invocation invocation =
          new Invocation(
              Map.of(
                  "IMAGECI_HOME",
                  directory.resolve("home").toString(),
                  "DOCKER_HOST",
                  standIns.dockerHost()),
              directory,
              Invocation.Cancellation.NONE);
      PrintWriter out = new PrintWriter(output.stdout(), true);
      PrintWriter err = new PrintWriter(output.stderr(), true);
      RoutedOutput.runFor(
          output,
          () -> {
            for (int i = 0; i < RENDERS; i++) {
              ImageCi.run(invocation, out, err, "render", form.toString());
            }
            for (int round = 0; round < ROUNDS; round++) {
              for (List<String> options : BUILDS) {
                List<String> args = new ArrayList<>(List.of("build", form.toString()));
                args.addAll(options);
                statuses.add(ImageCi.run(invocation, out, err, args.toArray(String[]::new)));
              }
            }
          });
    }
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
    return statuses;
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
