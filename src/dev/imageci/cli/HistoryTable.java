package dev.imageci.cli;

import dev.imageci.history.BuildRecord;
import java.util.ArrayList;
import java.util.List;

/** The aligned table {@code imageci history} prints: one build a line, a header on top. */
final class HistoryTable {

  static final List<String> HEADER =
      List.of("ID", "IMAGE:TAG", "STATUS", "DIGEST", "SIZE", "DURATION", "WHEN (UTC)", "WHO");

  private HistoryTable() {}

  static String render(List<BuildRecord> records) {
    if (records.isEmpty()) {
      return "No builds recorded.\n";
    }
    List<List<String>> rows = new ArrayList<>();
    rows.add(HEADER);
    for (BuildRecord record : records) {
      rows.add(row(record));
    }
    int[] widths = new int[HEADER.size()];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder text = new StringBuilder();
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        line.append(row.get(i));
        if (i < row.size() - 1) {
          line.append(" ".repeat(widths[i] - row.get(i).length() + 2));
        }
      }
      text.append(line.toString().stripTrailing()).append('\n');
    }
    return text.toString();
  }

  private static List<String> row(BuildRecord record) {
    String tags = String.join(",", record.tags());
    return List.of(
        record.id(),
        tags.isEmpty() ? record.image() : record.image() + ":" + tags,
        record.status().word(),
        HistoryFormat.shortDigest(record.digest()),
        HistoryFormat.size(record.size()),
        HistoryFormat.duration(record.duration().orElse(null)),
        HistoryFormat.when(record.startedAt()),
        HistoryFormat.orNone(record.triggeredBy()));
  }
}
