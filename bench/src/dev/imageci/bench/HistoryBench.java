package dev.imageci.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * History query latency with many records, in SQLite and in PostgreSQL: the latest 50 records of
 * one image, and one record by id. Writes a JSON summary that bench/harness.py turns into report
 * rows.
 *
 * <p>Limitation: reports "not available" because the history store (dev.imageci.history) is not in
 * this build yet; the queries must be the store's own, not a copy of them.
 */
public final class HistoryBench {

  private HistoryBench() {}

  public static void main(String[] args) throws Exception {
    Path out = Path.of(option(args, "--out", "history.json"));
    ObjectMapper json = new ObjectMapper();
    ObjectNode report = json.createObjectNode();
    report.put("available", false);
    report.put("reason", "the history store (dev.imageci.history) is not in this build");
    report.set("results", ArrayNode.class.cast(json.createArrayNode()));
    Files.writeString(out, json.writerWithDefaultPrettyPrinter().writeValueAsString(report));
  }

  static String option(String[] args, String name, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return args[i + 1];
      }
    }
    return fallback;
  }
}
