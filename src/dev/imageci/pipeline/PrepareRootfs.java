package dev.imageci.pipeline;

import dev.imageci.config.Config;
import dev.imageci.context.PreparedRootfs;
import dev.imageci.context.RootfsException;
import dev.imageci.context.RootfsPolicy;
import dev.imageci.context.RootfsPreparer;

/** Step: the rootfs archive is fetched, verified and checked; null when the form has none. */
final class PrepareRootfs {

  private final RootfsPolicy policy;

  PrepareRootfs(RootfsPolicy policy) {
    this.policy = policy;
  }

  PreparedRootfs call(Config config) throws RootfsException {
    if (config.rootfs() == null) {
      return null;
    }
    return new RootfsPreparer(policy).prepare(config.rootfs());
  }
}
