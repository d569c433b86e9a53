package dev.imageci.config;

import java.net.URI;
import java.nio.file.Path;

/**
 * Where the rootfs tarball comes from: a file next to the config or an http(s) URL, with an
 * optional sha256 to verify it against.
 */
public record Rootfs(Path path, URI url, String sha256, boolean allowSetuid) {

  public Rootfs {
    if ((path == null) == (url == null)) {
      throw new IllegalArgumentException("a rootfs has either a path or a URL");
    }
  }

  public boolean isRemote() {
    return url != null;
  }

  /** The path or URL as the user wrote it, for messages. */
  public String describe() {
    return isRemote() ? url.toString() : path.toString();
  }
}
