package dev.imageci.cli;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import com.github.difflib.patch.Patch;
import dev.imageci.history.BuildRecord;
import java.util.List;
import java.util.Objects;

/** What {@code imageci history diff ID1 ID2} prints: unified diffs, rootfs and size change. */
final class HistoryDiff {

  private static final int CONTEXT_LINES = 3;

  private HistoryDiff() {}

  static String render(BuildRecord older, BuildRecord newer) {
    StringBuilder text = new StringBuilder();
    text.append("builds ")
        .append(older.id())
        .append(" (")
        .append(older.reference())
        .append(") -> ")
        .append(newer.id())
        .append(" (")
        .append(newer.reference())
        .append(")\n");
    unified(text, "config", older, older.config(), newer, newer.config());
    unified(text, "Dockerfile", older, older.dockerfile(), newer, newer.dockerfile());
    text.append("rootfs: ");
    if (Objects.equals(older.rootfsSha256(), newer.rootfsSha256())) {
      text.append("same (").append(HistoryFormat.orNone(older.rootfsSha256())).append(")\n");
    } else {
      text.append(HistoryFormat.orNone(older.rootfsSha256()))
          .append(" -> ")
          .append(HistoryFormat.orNone(newer.rootfsSha256()))
          .append('\n');
    }
    text.append("size: ").append(sizeChange(older.size(), newer.size())).append('\n');
    return text.toString();
  }

  private static void unified(
      StringBuilder text,
      String what,
      BuildRecord older,
      String before,
      BuildRecord newer,
      String after) {
    List<String> beforeLines = lines(before);
    List<String> afterLines = lines(after);
    Patch<String> patch = DiffUtils.diff(beforeLines, afterLines);
    if (patch.getDeltas().isEmpty()) {
      text.append(what).append(": no differences\n");
      return;
    }
    List<String> diff =
        UnifiedDiffUtils.generateUnifiedDiff(
            what + " " + older.id(), what + " " + newer.id(), beforeLines, patch, CONTEXT_LINES);
    diff.forEach(line -> text.append(line).append('\n'));
  }

  private static List<String> lines(String text) {
    // A final newline ends the last line; it does not start an empty one.
    return text == null || text.isEmpty() ? List.of() : List.of(text.split("\n"));
  }

  static String sizeChange(Long before, Long after) {
    if (before == null || after == null) {
      return HistoryFormat.size(before) + " -> " + HistoryFormat.size(after);
    }
    long change = after - before;
    String sign = change > 0 ? "+" : change < 0 ? "-" : "±";
    return HistoryFormat.size(before)
        + " -> "
        + HistoryFormat.size(after)
        + " ("
        + sign
        + HistoryFormat.size(Math.abs(change))
        + ")";
  }
}
