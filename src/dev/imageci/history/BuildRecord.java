package dev.imageci.history;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One build attempt as the history keeps it: written when the attempt starts ({@link
 * BuildStatus#RUNNING}) and completed when it ends. It holds no secret: the config never carries
 * credentials, and registry credentials never pass through the history.
 *
 * @param id a short random id, 12 hex digits, given when the attempt starts
 * @param image the repository built, e.g. {@code r.example.com/team/nginx}
 * @param tags the tags given to the image, automatic ones resolved
 * @param autoTag the tag taken from the image's sequence for {@code auto}, or null
 * @param digest the manifest digest pushed (or reused), or null
 * @param priorDigest what the first tag pointed at when the attempt started, or null
 * @param imageId the local image id, or null
 * @param size the image size in bytes, or null
 * @param config the config text as given
 * @param dockerfile the rendered Dockerfile
 * @param configHash the hash of the Dockerfile's instructions ({@link
 *     dev.imageci.render.ConfigHash})
 * @param rootfsSha256 the rootfs archive's sha256, or null without one
 * @param rootfsSize the rootfs archive's size in bytes, or null
 * @param error why the attempt failed or was cancelled, or null
 * @param endedAt null while running
 * @param deadline after this a running record may be settled from any host
 * @param triggeredBy who started it: --user, else Jenkins' BUILD_USER_ID, else the OS user
 * @param jobName Jenkins' JOB_NAME, or null
 * @param buildNumber Jenkins' BUILD_NUMBER, or null
 * @param buildUrl Jenkins' BUILD_URL, or null
 * @param requestId the caller's --request-id, or null
 * @param logUrl where the build log is read, or null
 * @param remarks the config's remarks, or null
 * @param host the host the attempt ran on
 * @param ownerPid the process that ran the attempt
 * @param ownerStartedAt when that process started, to tell a reused pid apart; or null
 */
public record BuildRecord(
    String id,
    String image,
    List<String> tags,
    String autoTag,
    String digest,
    String priorDigest,
    String imageId,
    Long size,
    String config,
    String dockerfile,
    String configHash,
    String rootfsSha256,
    Long rootfsSize,
    BuildStatus status,
    String error,
    Instant startedAt,
    Instant endedAt,
    Instant deadline,
    String triggeredBy,
    String jobName,
    String buildNumber,
    String buildUrl,
    String requestId,
    String logUrl,
    String remarks,
    String host,
    long ownerPid,
    Instant ownerStartedAt) {

  public BuildRecord {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(deadline, "deadline");
    Objects.requireNonNull(host, "host");
    tags = tags == null ? List.of() : List.copyOf(tags);
    startedAt = toMillis(startedAt);
    endedAt = toMillis(endedAt);
    deadline = toMillis(deadline);
    ownerStartedAt = toMillis(ownerStartedAt);
  }

  /** The stores keep milliseconds; so does the record, so that a record read back is equal. */
  private static Instant toMillis(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
  }

  /** How long the attempt took, or empty while it runs. */
  public Optional<Duration> duration() {
    return endedAt == null ? Optional.empty() : Optional.of(Duration.between(startedAt, endedAt));
  }

  /** The image with its first tag, as people name it: {@code repo:tag}. */
  public String reference() {
    return tags.isEmpty() ? image : image + ":" + tags.get(0);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.id = id;
    builder.image = image;
    builder.tags = tags;
    builder.autoTag = autoTag;
    builder.digest = digest;
    builder.priorDigest = priorDigest;
    builder.imageId = imageId;
    builder.size = size;
    builder.config = config;
    builder.dockerfile = dockerfile;
    builder.configHash = configHash;
    builder.rootfsSha256 = rootfsSha256;
    builder.rootfsSize = rootfsSize;
    builder.status = status;
    builder.error = error;
    builder.startedAt = startedAt;
    builder.endedAt = endedAt;
    builder.deadline = deadline;
    builder.triggeredBy = triggeredBy;
    builder.jobName = jobName;
    builder.buildNumber = buildNumber;
    builder.buildUrl = buildUrl;
    builder.requestId = requestId;
    builder.logUrl = logUrl;
    builder.remarks = remarks;
    builder.host = host;
    builder.ownerPid = ownerPid;
    builder.ownerStartedAt = ownerStartedAt;
    return builder;
  }

  /** Builds a record field by field; the record's constructor checks the required ones. */
  public static final class Builder {
    private String id;
    private String image;
    private List<String> tags;
    private String autoTag;
    private String digest;
    private String priorDigest;
    private String imageId;
    private Long size;
    private String config;
    private String dockerfile;
    private String configHash;
    private String rootfsSha256;
    private Long rootfsSize;
    private BuildStatus status;
    private String error;
    private Instant startedAt;
    private Instant endedAt;
    private Instant deadline;
    private String triggeredBy;
    private String jobName;
    private String buildNumber;
    private String buildUrl;
    private String requestId;
    private String logUrl;
    private String remarks;
    private String host;
    private long ownerPid;
    private Instant ownerStartedAt;

    private Builder() {}

    public Builder id(String value) {
      this.id = value;
      return this;
    }

    public Builder image(String value) {
      this.image = value;
      return this;
    }

    public Builder tags(List<String> value) {
      this.tags = value;
      return this;
    }

    public Builder autoTag(String value) {
      this.autoTag = value;
      return this;
    }

    public Builder digest(String value) {
      this.digest = value;
      return this;
    }

    public Builder priorDigest(String value) {
      this.priorDigest = value;
      return this;
    }

    public Builder imageId(String value) {
      this.imageId = value;
      return this;
    }

    public Builder size(Long value) {
      this.size = value;
      return this;
    }

    public Builder config(String value) {
      this.config = value;
      return this;
    }

    public Builder dockerfile(String value) {
      this.dockerfile = value;
      return this;
    }

    public Builder configHash(String value) {
      this.configHash = value;
      return this;
    }

    public Builder rootfsSha256(String value) {
      this.rootfsSha256 = value;
      return this;
    }

    public Builder rootfsSize(Long value) {
      this.rootfsSize = value;
      return this;
    }

    public Builder status(BuildStatus value) {
      this.status = value;
      return this;
    }

    public Builder error(String value) {
      this.error = value;
      return this;
    }

    public Builder startedAt(Instant value) {
      this.startedAt = value;
      return this;
    }

    public Builder endedAt(Instant value) {
      this.endedAt = value;
      return this;
    }

    public Builder deadline(Instant value) {
      this.deadline = value;
      return this;
    }

    public Builder triggeredBy(String value) {
      this.triggeredBy = value;
      return this;
    }

    public Builder jobName(String value) {
      this.jobName = value;
      return this;
    }

    public Builder buildNumber(String value) {
      this.buildNumber = value;
      return this;
    }

    public Builder buildUrl(String value) {
      this.buildUrl = value;
      return this;
    }

    public Builder requestId(String value) {
      this.requestId = value;
      return this;
    }

    public Builder logUrl(String value) {
      this.logUrl = value;
      return this;
    }

    public Builder remarks(String value) {
      this.remarks = value;
      return this;
    }

    public Builder host(String value) {
      this.host = value;
      return this;
    }

    public Builder ownerPid(long value) {
      this.ownerPid = value;
      return this;
    }

    public Builder ownerStartedAt(Instant value) {
      this.ownerStartedAt = value;
      return this;
    }

    public BuildRecord build() {
      return new BuildRecord(
          id,
          image,
          tags,
          autoTag,
          digest,
          priorDigest,
          imageId,
          size,
          config,
          dockerfile,
          configHash,
          rootfsSha256,
          rootfsSize,
          status,
          error,
          startedAt,
          endedAt,
          deadline,
          triggeredBy,
          jobName,
          buildNumber,
          buildUrl,
          requestId,
          logUrl,
          remarks,
          host,
          ownerPid,
          ownerStartedAt);
    }
  }
}
