package dev.imageci.history;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The process that runs a build: host, pid and the process's start time. A running record whose
 * owner is gone is stale. On the owner's own host that is known at once (no process with that pid
 * and start time); from another host only once the record's deadline has passed.
 */
public record BuildOwner(String host, long pid, Instant startedAt) {

  /** Start times read twice may differ by rounding; within this they are the same process. */
  private static final Duration SAME_START = Duration.ofSeconds(1);

  public static BuildOwner current(String host) {
    ProcessHandle self = ProcessHandle.current();
    return new BuildOwner(host, self.pid(), startOf(self).orElse(null));
  }

  /** Whether the running {@code record} can no longer be completed by its owner. */
  public boolean isStale(BuildRecord record, Instant now) {
    if (!record.host().equals(host)) {
      return now.isAfter(record.deadline());
    }
    Optional<ProcessHandle> process = ProcessHandle.of(record.ownerPid());
    if (process.isEmpty() || !process.get().isAlive()) {
      return true;
    }
    Optional<Instant> start = startOf(process.get());
    return record.ownerStartedAt() != null
        && start.isPresent()
        && Duration.between(start.get(), record.ownerStartedAt()).abs().compareTo(SAME_START) > 0;
  }

  private static Optional<Instant> startOf(ProcessHandle process) {
    return process.info().startInstant().map(i -> i.truncatedTo(ChronoUnit.MILLIS));
  }
}
