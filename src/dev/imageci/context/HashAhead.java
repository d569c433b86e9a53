package dev.imageci.context;

import dev.imageci.context.InspectRootfsArchive.Inspection;
import dev.imageci.context.PreparedRootfs.FileStamp;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;

/**
 * Hashes of local rootfs files started early, on a thread of their own, while the command line
 * still loads the rest of itself (a second core is otherwise idle then). {@link RootfsPreparer}
 * takes a hash from here when the file still has the stamp it had when hashing began, and hashes
 * again when it does not or when the early hash failed; failures are reported by that second pass.
 */
final class HashAhead {

  /** What an early hash found, with the file's stamp before it started. */
  record Result(FileStamp before, Inspection hash) {}

  private static final Map<Path, CompletableFuture<Result>> STARTED = new ConcurrentHashMap<>();

  private HashAhead() {}

  static void start(Path file, String label) {
    Path key = file.toAbsolutePath().normalize();
    CompletableFuture<Result> result = new CompletableFuture<>();
    if (STARTED.putIfAbsent(key, result) != null) {
      return;
    }
    Thread thread =
        new Thread(
            () -> {
              try (InputStream in = Files.newInputStream(key)) {
                FileStamp before = FileStamp.of(key);
                result.complete(new Result(before, InspectRootfsArchive.hash(in, label)));
              } catch (Exception e) {
                result.completeExceptionally(e);
              }
            },
            "imageci-rootfs-hash");
    thread.setDaemon(true);
    thread.start();
  }

  /** The early hash of {@code file}, waited for; null when none was started or it failed. */
  static Result take(Path file) {
    CompletableFuture<Result> result = STARTED.remove(file.toAbsolutePath().normalize());
    if (result == null) {
      return null;
    }
    try {
      return result.get();
    } catch (ExecutionException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }
}
