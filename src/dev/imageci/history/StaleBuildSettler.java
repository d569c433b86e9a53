package dev.imageci.history;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Completes records left running by a build process that died (killed outright, or its machine
 * lost). The registry decides: when the record's first tag now points at a digest other than the
 * one it had when the build started, the push completed and the build succeeded with that digest;
 * otherwise it failed, interrupted.
 */
public final class StaleBuildSettler {

  private static final Logger LOG = LoggerFactory.getLogger(StaleBuildSettler.class);

  private final HistoryStore store;
  private final RegistryProbe probe;
  private final BuildOwner self;
  private final Spool spool;
  private final Clock clock;

  public StaleBuildSettler(
      HistoryStore store, RegistryProbe probe, BuildOwner self, Spool spool, Clock clock) {
    this.store = store;
    this.probe = probe;
    this.self = self;
    this.spool = spool;
    this.clock = clock;
  }

  /** Settles every stale running record; returns the records as settled. */
  public List<BuildRecord> settle() throws HistoryException {
    List<BuildRecord> settled = new ArrayList<>();
    for (BuildRecord record : store.running()) {
      // A spooled state is newer than the store's; delivering it settles the record.
      if (spool.holds(record.id()) || !self.isStale(record, clock.instant())) {
        continue;
      }
      try {
        BuildRecord done = settled(record);
        store.save(done);
        LOG.info("Settled build {} of {} as {}", record.id(), record.reference(), done.status());
        settled.add(done);
      } catch (IOException | RuntimeException e) {
        LOG.warn(
            "Build {} of {} was left running; cannot ask the registry about it yet ({})",
            record.id(),
            record.reference(),
            e.getMessage());
      }
    }
    return settled;
  }

  /** The final state of a stale record, as the registry tells it. */
  BuildRecord settled(BuildRecord record) throws IOException {
    Optional<String> pushed = Optional.empty();
    if (record.autoTag() != null) {
      // A new number: whatever the tag points at was pushed by this build.
      pushed = probe.digestOf(record.image(), record.autoTag());
    } else if (!record.tags().isEmpty()) {
      pushed =
          probe
              .digestOf(record.image(), record.tags().get(0))
              // Limitation: a byte-identical rebuild pushed under a fixed tag looks unpushed,
              // because the registry cannot tell the two pushes apart.
              .filter(digest -> !digest.equals(record.priorDigest()));
    }
    BuildRecord.Builder done = record.toBuilder().endedAt(clock.instant());
    if (pushed.isPresent()) {
      return done.status(BuildStatus.SUCCEEDED).digest(pushed.get()).error(null).build();
    }
    return done.status(BuildStatus.FAILED)
        .error(
            "interrupted: the build process (pid "
                + record.ownerPid()
                + " on "
                + record.host()
                + ") ended without recording a result, and the registry has no new image for "
                + (record.tags().isEmpty() ? "it (no tag was chosen yet)" : record.reference()))
        .build();
  }
}
