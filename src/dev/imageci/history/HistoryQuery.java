package dev.imageci.history;

/**
 * Which records to list, newest first.
 *
 * @param image only this repository, or null for all
 * @param status only this status, or null for all
 * @param limit at most this many records (1 or more)
 * @param withTexts whether each record carries its config and Dockerfile text; a listing that shows
 *     neither reads far less without them
 */
public record HistoryQuery(String image, BuildStatus status, int limit, boolean withTexts) {

  public HistoryQuery {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be 1 or more (got " + limit + ")");
    }
  }

  /** Records with every field. */
  public HistoryQuery(String image, BuildStatus status, int limit) {
    this(image, status, limit, true);
  }

  public static HistoryQuery latest(int limit) {
    return new HistoryQuery(null, null, limit);
  }

  /** The same query for records whose config and Dockerfile are left out (null). */
  public HistoryQuery withoutTexts() {
    return new HistoryQuery(image, status, limit, false);
  }
}
