package dev.imageci.pipeline;

import dev.imageci.history.BuildRecord;
import dev.imageci.history.BuildStart;
import dev.imageci.history.BuildStatus;
import dev.imageci.history.HistoryException;
import dev.imageci.history.HistoryRecorder;
import dev.imageci.history.RecordedBuild;
import dev.imageci.history.Trigger;
import dev.imageci.image.Digest;
import dev.imageci.image.Tag;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Records every build attempt the pipeline runs in the image history. */
public final class HistoryObserver implements BuildObserver {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryObserver.class);

  private final HistoryRecorder recorder;
  private final Map<String, String> env;

  public HistoryObserver(HistoryRecorder recorder, Map<String, String> env) {
    this.recorder = recorder;
    this.env = Map.copyOf(env);
  }

  @Override
  public BuildRecording started(Attempt attempt) {
    var config = attempt.config();
    RecordedBuild build =
        recorder.start(
            new BuildStart(
                config.image().toString(),
                config.tags().stream().map(Tag::value).toList(),
                attempt.configText(),
                attempt.dockerfile() == null ? "" : attempt.dockerfile(),
                attempt.rootfsSha256(),
                attempt.rootfsSize(),
                config.remarks(),
                Trigger.from(attempt.options().user(), env),
                attempt.options().requestId(),
                attempt.options().timeout()));
    return new Recording(build);
  }

  /** One attempt's record, seen through the pipeline's interface. */
  private static final class Recording implements BuildRecording {
    private final RecordedBuild build;
    private boolean ended;

    Recording(RecordedBuild build) {
      this.build = build;
    }

    @Override
    public String id() {
      return build.id();
    }

    @Override
    public List<Tag> resolve(dev.imageci.config.Config config) throws TagException {
      try {
        return build.resolveTags().stream().map(Tag::new).toList();
      } catch (HistoryException e) {
        throw new TagException(
            "tag: auto needs the next number from the history, which failed: " + e.getMessage(), e);
      }
    }

    // An unreachable history costs a rebuild, not the build; a registry that refuses the new tag
    // fails it, since the push would fail the same way.
    @Override
    public Optional<Reuse> reuseIfUnchanged(boolean force) throws IOException {
      Optional<BuildRecord> reused;
      try {
        reused = build.reuseIfUnchanged(force);
      } catch (HistoryException e) {
        LOG.warn("Cannot look for an identical earlier build, building: {}", e.getMessage());
        return Optional.empty();
      }
      Optional<Reuse> reuse =
          reused.map(
              earlier ->
                  new Reuse(
                      earlier.tags().stream().map(Tag::new).toList(),
                      Digest.parse(earlier.digest()),
                      earlier.imageId(),
                      earlier.size()));
      ended = reuse.isPresent();
      return reuse;
    }

    @Override
    public void rootfsHashed(String sha256) {
      build.rootfsHashed(sha256);
    }

    @Override
    public void finished(BuildResult result) {
      if (ended) {
        return; // a reuse ends the record itself
      }
      build.finished(
          BuildStatus.parse(result.status().word()),
          result.digest() == null ? null : result.digest().value(),
          result.imageId(),
          result.size(),
          result.error());
      ended = true;
    }
  }
}
