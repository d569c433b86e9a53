package dev.imageci.history;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What the history needs to know when a build attempt starts.
 *
 * @param image the repository, e.g. {@code r.example.com/team/nginx}
 * @param tags the tags as the config gives them, {@code auto} included
 * @param config the config text as given (it holds no credentials)
 * @param dockerfile the rendered Dockerfile
 * @param rootfsSha256 the rootfs archive's sha256 (64 hex digits), or null without a rootfs, and
 *     while it is still to be hashed on its way to the daemon (then {@code rootfsSize} is set and
 *     the record gets its sha256 and config hash from {@link RecordedBuild#rootfsHashed})
 * @param rootfsSize the rootfs archive's size in bytes, or null
 * @param remarks the config's remarks, or null
 * @param trigger who started the build and from where
 * @param requestId the caller's --request-id, or null
 * @param timeout the build's time limit; a record running past it (plus a margin) is stale
 */
public record BuildStart(
    String image,
    List<String> tags,
    String config,
    String dockerfile,
    String rootfsSha256,
    Long rootfsSize,
    String remarks,
    Trigger trigger,
    String requestId,
    Duration timeout) {

  public BuildStart {
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(dockerfile, "dockerfile");
    Objects.requireNonNull(trigger, "trigger");
    Objects.requireNonNull(timeout, "timeout");
    tags = List.copyOf(tags);
  }
}
