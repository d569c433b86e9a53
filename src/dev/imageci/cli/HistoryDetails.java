package dev.imageci.cli;

import dev.imageci.history.BuildRecord;
import java.util.LinkedHashMap;
import java.util.Map;

/** What {@code imageci history show ID} prints: every field, then the config and Dockerfile. */
final class HistoryDetails {

  private HistoryDetails() {}

  static String render(BuildRecord record) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("id", record.id());
    fields.put("image", record.image());
    fields.put("tags", record.tags().isEmpty() ? null : String.join(", ", record.tags()));
    fields.put("status", record.status().word());
    fields.put("error", record.error());
    fields.put("digest", record.digest());
    fields.put("image id", record.imageId());
    fields.put("size", record.size() == null ? null : HistoryFormat.size(record.size()));
    fields.put("config hash", record.configHash());
    fields.put("rootfs", rootfs(record));
    fields.put("started", HistoryFormat.when(record.startedAt()) + " UTC");
    fields.put(
        "ended", record.endedAt() == null ? null : HistoryFormat.when(record.endedAt()) + " UTC");
    fields.put("duration", record.duration().map(HistoryFormat::duration).orElse(null));
    fields.put("user", record.triggeredBy());
    fields.put("job", job(record));
    fields.put("build url", record.buildUrl());
    fields.put("log", record.logUrl());
    fields.put("request id", record.requestId());
    fields.put("host", record.host() + " (pid " + record.ownerPid() + ")");
    fields.put("remarks", record.remarks() == null ? null : record.remarks().strip());

    StringBuilder text = new StringBuilder();
    fields.forEach(
        (name, value) ->
            text.append(String.format("%-12s %s%n", name + ":", HistoryFormat.orNone(value))));
    section(text, "config", record.config());
    section(text, "Dockerfile", record.dockerfile());
    return text.toString();
  }

  private static String rootfs(BuildRecord record) {
    if (record.rootfsSha256() == null) {
      return null;
    }
    return "sha256:" + record.rootfsSha256() + " (" + HistoryFormat.size(record.rootfsSize()) + ")";
  }

  private static String job(BuildRecord record) {
    if (record.jobName() == null) {
      return null;
    }
    return record.buildNumber() == null
        ? record.jobName()
        : record.jobName() + " #" + record.buildNumber();
  }

  private static void section(StringBuilder text, String title, String body) {
    text.append('\n').append("--- ").append(title).append(" ---\n");
    if (body == null || body.isEmpty()) {
      text.append("(not recorded)\n");
    } else {
      text.append(body.endsWith("\n") ? body : body + "\n");
    }
  }
}
