package dev.imageci.pipeline;

import dev.imageci.config.Config;
import dev.imageci.context.PreparedRootfs;
import dev.imageci.context.RootfsException;
import dev.imageci.context.RootfsPolicy;
import dev.imageci.context.RootfsPreparer;

/**
 * Step: the rootfs archive is fetched (and then checked) or hashed, and verified against the form's
 * sha256; null when the form has none. A local file's entries are checked on their way into the
 * build context (see {@link BuildImage}), and so is its hash when nothing needs it before.
 */
final class PrepareRootfs {

  private final RootfsPolicy policy;

  PrepareRootfs(RootfsPolicy policy) {
    this.policy = policy;
  }

  /**
   * @param hashFirst whether the sha256 is needed before the build (to decide on a reuse); when it
   *     is not, a local file's upload does not wait for a pass over it
   */
  PreparedRootfs call(Config config, boolean hashFirst) throws RootfsException {
    if (config.rootfs() == null) {
      return null;
    }
    RootfsPreparer preparer = new RootfsPreparer(policy);
    return hashFirst
        ? preparer.prepareForUpload(config.rootfs())
        : preparer.prepareHashedOnTheWay(config.rootfs());
  }
}
