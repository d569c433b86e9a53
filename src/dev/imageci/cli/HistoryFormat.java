package dev.imageci.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the history commands print sizes, durations, times and digests. */
final class HistoryFormat {

  static final String NONE = "-";
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC);
  private static final String[] UNITS = {"B", "kB", "MB", "GB", "TB"};

  private HistoryFormat() {}

  /** Decimal units, as docker prints image sizes: {@code 4.2 MB}. */
  static String size(Long bytes) {
    if (bytes == null) {
      return NONE;
    }
    double value = Math.abs(bytes);
    int unit = 0;
    while (value >= 1000 && unit < UNITS.length - 1) {
      value /= 1000;
      unit++;
    }
    String sign = bytes < 0 ? "-" : "";
    return unit == 0
        ? sign + (long) value + " B"
        : sign + String.format(Locale.ROOT, "%.1f %s", value, UNITS[unit]);
  }

  /** {@code 850ms}, {@code 42s}, {@code 3m05s}, {@code 1h02m}. */
  static String duration(Duration duration) {
    if (duration == null) {
      return NONE;
    }
    long millis = duration.toMillis();
    if (millis < 1000) {
      return millis + "ms";
    }
    long seconds = duration.toSeconds();
    if (seconds < 60) {
      return seconds + "s";
    }
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
    }
    return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
  }

  /** UTC, to the second. */
  static String when(Instant instant) {
    return instant == null ? NONE : WHEN.format(instant);
  }

  /** The first 12 hex digits of a {@code sha256:} digest. */
  static String shortDigest(String digest) {
    if (digest == null) {
      return NONE;
    }
    String hex = digest.startsWith("sha256:") ? digest.substring(7) : digest;
    return hex.length() > 12 ? hex.substring(0, 12) : hex;
  }

  static String orNone(Object value) {
    return value == null ? NONE : value.toString();
  }
}
