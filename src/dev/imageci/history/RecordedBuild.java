package dev.imageci.history;

import dev.imageci.render.ConfigHash;
import java.io.IOException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One attempt being recorded: resolve its tags, perhaps reuse an earlier build, then end it. Each
 * step saves the record (or spools it) before returning.
 */
public final class RecordedBuild {

  private final HistoryRecorder recorder;
  private final List<String> requestedTags;
  private BuildRecord record;

  RecordedBuild(HistoryRecorder recorder, BuildRecord record, List<String> requestedTags) {
    this.recorder = recorder;
    this.record = record;
    this.requestedTags = List.copyOf(requestedTags);
  }

  /** The record as last written. */
  public synchronized BuildRecord record() {
    return record;
  }

  public String id() {
    return record().id();
  }

  /**
   * The tags to build and push, in the config's order, {@code auto} replaced by the next number of
   * the image's sequence (taken once, however often this is called).
   *
   * @throws HistoryException when {@code auto} needs a number and the store cannot be reached
   */
  public synchronized List<String> resolveTags() throws HistoryException {
    if (record.autoTag() != null || !requestedTags.contains(AutoTags.AUTO)) {
      return record.tags().isEmpty() ? requestedTags : record.tags();
    }
    String auto = AutoTags.format(recorder.store().nextTagNumber(record.image()));
    List<String> tags = new ArrayList<>();
    for (String tag : requestedTags) {
      tags.add(tag.equals(AutoTags.AUTO) ? auto : tag);
    }
    record = record.toBuilder().tags(tags).autoTag(auto).build();
    recorder.write(record);
    return tags;
  }

  /**
   * Ends the attempt as reused when an earlier build had the same inputs and its image is still in
   * the registry: its digest gets this attempt's tags, nothing is built. Empty means build.
   */
  public synchronized Optional<BuildRecord> reuseIfUnchanged(boolean force)
      throws HistoryException, IOException {
    recorder.awaitCatchUp(); // a build it settles as pushed may be the one to reuse
    ReuseDecision decision = new ReuseDecision(recorder.store(), recorder.probe());
    Optional<BuildRecord> earlier =
        decision.candidate(record.image(), record.configHash(), record.rootfsSha256(), force);
    if (earlier.isEmpty()) {
      return Optional.empty();
    }
    BuildRecord reused = earlier.get();
    List<String> tags = decision.tags(reused, requestedTags);
    decision.addMissingTags(reused, tags);
    String auto =
        requestedTags.contains(AutoTags.AUTO)
            ? tags.get(requestedTags.indexOf(AutoTags.AUTO))
            : null;
    return Optional.of(
        end(
            record.toBuilder()
                .status(BuildStatus.REUSED)
                .tags(tags)
                .autoTag(auto)
                .digest(reused.digest())
                .imageId(reused.imageId())
                .size(reused.size())));
  }

  /**
   * Gives a record started before its rootfs was hashed (no sha256, a size) that sha256 and the
   * config hash that goes with it; they are written with the next save, at the latest the end.
   */
  public synchronized void rootfsHashed(String sha256) {
    if (record.rootfsSha256() == null && record.rootfsSize() != null) {
      record =
          record.toBuilder()
              .rootfsSha256(sha256)
              .configHash(ConfigHash.of(record.dockerfile(), sha256))
              .build();
    }
  }

  /** Ends the attempt as pushed (or built) with this digest, image id and size. */
  public synchronized BuildRecord succeeded(String digest, String imageId, Long size) {
    return end(
        record.toBuilder()
            .status(BuildStatus.SUCCEEDED)
            .digest(digest)
            .imageId(imageId)
            .size(size)
            .error(null));
  }

  /** Ends the attempt as failed; {@code error} says what failed (never a secret). */
  public synchronized BuildRecord failed(String error) {
    return end(record.toBuilder().status(BuildStatus.FAILED).error(error));
  }

  /** Ends the attempt as cancelled (interrupted or timed out). */
  public synchronized BuildRecord cancelled(String reason) {
    return end(record.toBuilder().status(BuildStatus.CANCELLED).error(reason));
  }

  /** Ends the attempt with any final status, for adapters that carry the status as a value. */
  public synchronized BuildRecord finished(
      BuildStatus status, String digest, String imageId, Long size, String error) {
    if (!status.isFinal()) {
      throw new IllegalArgumentException("a build cannot end as " + status);
    }
    return end(
        record.toBuilder().status(status).digest(digest).imageId(imageId).size(size).error(error));
  }

  private BuildRecord end(BuildRecord.Builder builder) {
    record = builder.endedAt(recorder.clock().instant().truncatedTo(ChronoUnit.MILLIS)).build();
    recorder.write(record);
    return record;
  }
}
