package dev.imageci.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.imageci.image.Tag;
import dev.imageci.pipeline.BuildResult;
import java.util.List;
import java.util.Map;

/**
 * The JSON result of {@code imageci build} (the wire form; {@link BuildResult} is the domain form).
 * Absent values are written as null so every key is always there.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record BuildResultJson(
    String image,
    List<String> tags,
    String digest,
    String imageId,
    Long size,
    String status,
    String error,
    String requestId,
    String historyId,
    Map<String, Long> stages) {

  static BuildResultJson from(BuildResult result, String requestId) {
    return new BuildResultJson(
        result.image().toString(),
        result.tags().stream().map(Tag::value).toList(),
        result.digest() == null ? null : result.digest().value(),
        result.imageId(),
        result.size(),
        result.status().word(),
        result.error(),
        requestId,
        result.historyId(),
        result.stages());
  }
}
