package dev.imageci.context;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A rootfs archive on local disk that has been verified and checked, ready to go into the build
 * context. Closing it deletes the file when it was downloaded.
 */
public record PreparedRootfs(Path file, String sha256, long size, boolean temporary)
    implements AutoCloseable {

  @Override
  public void close() throws IOException {
    if (temporary) {
      Files.deleteIfExists(file);
    }
  }
}
