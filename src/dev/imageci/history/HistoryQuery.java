package dev.imageci.history;

/**
 * Which records to list, newest first.
 *
 * @param image only this repository, or null for all
 * @param status only this status, or null for all
 * @param limit at most this many records (1 or more)
 */
public record HistoryQuery(String image, BuildStatus status, int limit) {

  public HistoryQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be 1 or more (got " + limit + ")");
    }
  }

  public static HistoryQuery latest(int limit) {
    return new HistoryQuery(null, null, limit);
  }
}
