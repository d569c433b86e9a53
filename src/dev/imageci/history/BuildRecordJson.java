package dev.imageci.history;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.time.Instant;
import java.util.List;

/**
 * The JSON form of a {@link BuildRecord}, for {@code imageci history --json} and the spool: times
 * as ISO-8601 text, the duration in milliseconds, the status as its lowercase word.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"id", "image", "tags", "status", "digest"})
public record BuildRecordJson(
    String id,
    String image,
    List<String> tags,
    String autoTag,
    String status,
    String digest,
    String priorDigest,
    String imageId,
    Long size,
    String error,
    String startedAt,
    String endedAt,
    Long durationMs,
    String deadline,
    String user,
    String jobName,
    String buildNumber,
    String buildUrl,
    String requestId,
    String logUrl,
    String remarks,
    String host,
    long ownerPid,
    String ownerStartedAt,
    String configHash,
    String rootfsSha256,
    Long rootfsSize,
    String config,
    String dockerfile) {

  /** A mapper for these documents: indented, so the spool and --json read well. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  public static BuildRecordJson of(BuildRecord record) {
    return new BuildRecordJson(
        record.id(),
        record.image(),
        record.tags(),
        record.autoTag(),
        record.status().word(),
        record.digest(),
        record.priorDigest(),
        record.imageId(),
        record.size(),
        record.error(),
        text(record.startedAt()),
        text(record.endedAt()),
        record.duration().map(d -> d.toMillis()).orElse(null),
        text(record.deadline()),
        record.triggeredBy(),
        record.jobName(),
        record.buildNumber(),
        record.buildUrl(),
        record.requestId(),
        record.logUrl(),
        record.remarks(),
        record.host(),
        record.ownerPid(),
        text(record.ownerStartedAt()),
        record.configHash(),
        record.rootfsSha256(),
        record.rootfsSize(),
        record.config(),
        record.dockerfile());
  }

  public BuildRecord toRecord() {
    return BuildRecord.builder()
        .id(id)
        .image(image)
        .tags(tags)
        .autoTag(autoTag)
        .status(BuildStatus.parse(status))
        .digest(digest)
        .priorDigest(priorDigest)
        .imageId(imageId)
        .size(size)
        .error(error)
        .startedAt(instant(startedAt))
        .endedAt(instant(endedAt))
        .deadline(instant(deadline))
        .triggeredBy(user)
        .jobName(jobName)
        .buildNumber(buildNumber)
        .buildUrl(buildUrl)
        .requestId(requestId)
        .logUrl(logUrl)
        .remarks(remarks)
        .host(host)
        .ownerPid(ownerPid)
        .ownerStartedAt(instant(ownerStartedAt))
        .configHash(configHash)
        .rootfsSha256(rootfsSha256)
        .rootfsSize(rootfsSize)
        .config(config)
        .dockerfile(dockerfile)
        .build();
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }

  private static Instant instant(String text) {
    return text == null ? null : Instant.parse(text);
  }
}
