package dev.imageci.history;

import dev.imageci.render.ConfigHash;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The history as a build runner sees it: catch up on what earlier runs left behind, and record each
 * attempt from start to end. A record the store cannot take goes to the spool instead, so a
 * database outage loses nothing.
 */
public final class HistoryRecorder implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HistoryRecorder.class);

  /** Added to a build's timeout before another host may call its running record stale. */
  static final Duration STALE_MARGIN = Duration.ofMinutes(10);

  private static final SecureRandom RANDOM = new SecureRandom();

  private final HistoryStore store;
  private final Spool spool;
  private final RegistryProbe probe;
  private final Clock clock;
  private final BuildOwner self;
  private final Map<String, CompletableFuture<String>> priorDigests = new ConcurrentHashMap<>();
  private volatile CompletableFuture<CatchUp> caughtUp;

  public HistoryRecorder(
      HistoryStore store, Spool spool, RegistryProbe probe, Clock clock, BuildOwner self) {
    this.store = store;
    this.spool = spool;
    this.probe = probe;
    this.clock = clock;
    this.self = self;
  }

  /** The recorder for this process, with the store and spool the environment names. */
  public static HistoryRecorder open(Map<String, String> env, RegistryProbe probe) {
    HistorySettings settings = HistorySettings.fromEnvironment(env);
    return new HistoryRecorder(
        settings.openStore(),
        new Spool(settings.spoolDirectory()),
        probe,
        Clock.systemUTC(),
        BuildOwner.current(Trigger.hostName(env)));
  }

  /** What {@link #catchUp()} did. */
  public record CatchUp(int delivered, List<BuildRecord> settled) {}

  /**
   * Delivers spooled records, then settles stale running ones. Call it, or {@link
   * #catchUpInBackground}, at the start of each build; it never fails the build: problems are
   * logged as warnings and left for the next run.
   */
  public CatchUp catchUp() {
    int delivered = 0;
    try {
      delivered = flush();
      return new CatchUp(
          delivered, new StaleBuildSettler(store, probe, self, spool, clock).settle());
    } catch (HistoryException | IOException | RuntimeException e) {
      // A registry probe may fail in ways of its own; none of them may stop the build.
      LOG.warn("The history could not catch up now; the next run tries again: {}", e.getMessage());
      return new CatchUp(delivered, List.of());
    }
  }

  /**
   * Runs {@link #catchUp()} on a thread of its own, so that a build need not wait for it: what
   * earlier runs left behind has nothing to do with the new attempt, except for a reuse, which
   * {@link RecordedBuild#reuseIfUnchanged} makes wait for it. {@link #close} waits for it too.
   */
  public void catchUpInBackground() {
    // catchUp() logs its own failures.
    caughtUp = onItsOwnThread("imageci-history-catch-up", this::catchUp, new CatchUp(0, List.of()));
  }

  /** Waits for a {@link #catchUpInBackground} under way, if any. */
  void awaitCatchUp() {
    CompletableFuture<CatchUp> pending = caughtUp;
    if (pending != null) {
      pending.join();
    }
  }

  /**
   * Delivers the spooled records to the store; returns how many ({@code imageci history flush}).
   */
  public int flush() throws HistoryException, IOException {
    int delivered = spool.deliver(store);
    if (delivered > 0) {
      LOG.info("Delivered {} spooled build record(s) to {}", delivered, store.describe());
    }
    return delivered;
  }

  /**
   * Starts reading, on a thread of its own, the digest the first fixed tag names now, which {@link
   * #start} records as the prior digest; called as soon as the form is read, the registry answers
   * while the rest of the command gets ready. Does nothing for {@code auto} alone.
   */
  public void readPriorDigestAhead(String image, List<String> tags) {
    List<String> explicitTags = explicit(tags);
    if (explicitTags.isEmpty()) {
      return;
    }
    priorDigests.computeIfAbsent(
        priorDigestKey(image, explicitTags),
        key ->
            onItsOwnThread("imageci-prior-digest", () -> currentDigest(image, explicitTags), null));
  }

  /**
   * Runs {@code work} on a daemon thread of its own; the future gets its result, or {@code
   * fallback} whatever went wrong, so that nobody waiting on it waits forever.
   */
  private static <T> CompletableFuture<T> onItsOwnThread(
      String name, Supplier<T> work, T fallback) {
    CompletableFuture<T> done = new CompletableFuture<>();
    Thread thread =
        new Thread(
            () -> {
              try {
                done.complete(work.get());
              } finally {
                done.complete(fallback);
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return done;
  }

  /** Records a new attempt as running and returns its handle. */
  public RecordedBuild start(BuildStart start) {
    List<String> explicitTags = explicit(start.tags());
    var now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
    // A rootfs hashed on its way to the daemon: the config hash waits for
    // RecordedBuild.rootfsHashed.
    boolean hashPending = start.rootfsSha256() == null && start.rootfsSize() != null;
    BuildRecord record =
        BuildRecord.builder()
            .id(newId())
            .image(start.image())
            .tags(explicitTags)
            .priorDigest(explicitTags.isEmpty() ? null : priorDigest(start.image(), explicitTags))
            .config(start.config())
            .dockerfile(start.dockerfile())
            .configHash(
                hashPending ? null : ConfigHash.of(start.dockerfile(), start.rootfsSha256()))
            .rootfsSha256(start.rootfsSha256())
            .rootfsSize(start.rootfsSize())
            .status(BuildStatus.RUNNING)
            .startedAt(now)
            .deadline(now.plus(start.timeout()).plus(STALE_MARGIN))
            .triggeredBy(start.trigger().user())
            .jobName(start.trigger().jobName())
            .buildNumber(start.trigger().buildNumber())
            .buildUrl(start.trigger().buildUrl())
            .logUrl(start.trigger().logUrl())
            .requestId(start.requestId())
            .remarks(start.remarks())
            .host(self.host())
            .ownerPid(self.pid())
            .ownerStartedAt(self.startedAt())
            .build();
    RecordedBuild build = new RecordedBuild(this, record, start.tags());
    write(record);
    return build;
  }

  private String priorDigest(String image, List<String> tags) {
    CompletableFuture<String> ahead = priorDigests.remove(priorDigestKey(image, tags));
    return ahead == null ? currentDigest(image, tags) : ahead.join();
  }

  /** The tags a form names, without {@code auto}. */
  private static List<String> explicit(List<String> tags) {
    return tags.stream().filter(tag -> !tag.equals(AutoTags.AUTO)).toList();
  }

  /** The prior digest is that of the first explicit tag. */
  private static String priorDigestKey(String image, List<String> explicitTags) {
    return image + ":" + explicitTags.get(0);
  }

  private String currentDigest(String image, List<String> tags) {
    try {
      return probe.digestOf(image, tags.get(0)).orElse(null);
    } catch (IOException | RuntimeException e) {
      LOG.debug("Cannot read the current digest of {}:{}: {}", image, tags.get(0), e.toString());
      return null;
    }
  }

  /** Where the records go, for messages (no password). */
  public String describe() {
    return store.describe();
  }

  HistoryStore store() {
    return store;
  }

  RegistryProbe probe() {
    return probe;
  }

  Clock clock() {
    return clock;
  }

  /** Saves the record, or spools it when the store cannot take it. */
  void write(BuildRecord record) {
    try {
      store.save(record);
    } catch (HistoryException e) {
      try {
        spool.put(record);
        LOG.warn(
            "The history is unreachable ({}); build {} is kept in {} and delivered on the next"
                + " run or by 'imageci history flush'",
            e.getMessage(),
            record.id(),
            spool.directory());
      } catch (IOException spoolFailure) {
        LOG.error(
            "Build {} could not be recorded: the history is unreachable ({}) and the spool {}"
                + " cannot be written ({})",
            record.id(),
            e.getMessage(),
            spool.directory(),
            spoolFailure.getMessage());
      }
    }
  }

  private static String newId() {
    byte[] bytes = new byte[6];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    awaitCatchUp();
    store.close();
  }
}
