package dev.imageci.pipeline;

import dev.imageci.config.Config;
import dev.imageci.context.PreparedRootfs;
import dev.imageci.context.RootfsException;
import dev.imageci.context.RootfsPolicy;
import dev.imageci.context.RootfsPreparer;

/**
 * Step: the rootfs archive is fetched (and then checked) or hashed, and verified against the form's
 * sha256; null when the form has none. A local file's entries are checked on their way into the
 * build context (see {@link BuildImage}).
 */
final class PrepareRootfs {

  private final RootfsPolicy policy;

  PrepareRootfs(RootfsPolicy policy) {
    this.policy = policy;
  }

  PreparedRootfs call(Config config) throws RootfsException {
    if (config.rootfs() == null) {
      return null;
    }
    return new RootfsPreparer(policy).prepareForUpload(config.rootfs());
  }
}
