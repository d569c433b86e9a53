package dev.imageci.history;

import java.util.List;
import java.util.Optional;

/**
 * Where build records live. Every method is one short transaction, so several processes (and, with
 * PostgreSQL, several agents) can share one store.
 */
public interface HistoryStore extends AutoCloseable {

  /** Inserts the record, or replaces the one with the same id. */
  void save(BuildRecord record) throws HistoryException;

  Optional<BuildRecord> find(String id) throws HistoryException;

  /** Records matching the query, newest first. */
  List<BuildRecord> list(HistoryQuery query) throws HistoryException;

  /** Every record still marked running, oldest first. */
  List<BuildRecord> running() throws HistoryException;

  /**
   * The newest succeeded or reused record of {@code image} with these inputs and a digest; {@code
   * rootfsSha256} null matches records without a rootfs.
   */
  Optional<BuildRecord> latestReusable(String image, String configHash, String rootfsSha256)
      throws HistoryException;

  /**
   * Takes the next number of the image's automatic tag sequence, atomically: no two callers, in any
   * process, get the same number. The first number is 1. A number taken is never given back.
   */
  long nextTagNumber(String image) throws HistoryException;

  /** Where the store is, for messages (never with a password). */
  String describe();

  @Override
  void close();
}
