package dev.imageci.render;

import dev.imageci.config.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The size limits a rendered Dockerfile must keep, checked on its lines before it is written.
 *
 * <p>The builder reads a Dockerfile with Go's {@code bufio.Scanner}, whose default buffer holds 64
 * KiB: a longer line fails the build with "dockerfile line greater than max allowed size"
 * (moby/buildkit frontend/dockerfile/parser/parser.go, handleScannerError).
 */
final class DockerfileLimits {

  static final int MAX_LINE_BYTES = 64 * 1024 - 1;
  static final int MAX_DOCKERFILE_BYTES = 512 * 1024;

  /** One line of the Dockerfile, without its newline, and the config field it comes from. */
  record Line(String field, String text) {
    int bytes() {
      return utf8Length(text) + 1;
    }
  }

  private DockerfileLimits() {}

  /** Problems for lines that are too long, or for the field that makes the whole too large. */
  static List<Problem> check(List<Line> lines) {
    List<Problem> problems = new ArrayList<>();
    int total = 0;
    for (Line line : lines) {
      int bytes = line.bytes();
      total += bytes;
      if (bytes > MAX_LINE_BYTES) {
        problems.add(
            new Problem(
                line.field(),
                "makes a Dockerfile line of "
                    + bytes
                    + " bytes; the builder reads at most "
                    + MAX_LINE_BYTES
                    + " (shorten it, or move the content into the rootfs)",
                null));
      }
    }
    if (problems.isEmpty() && total > MAX_DOCKERFILE_BYTES) {
      problems.add(tooLarge(lines, total));
    }
    return problems;
  }

  /** The length of the Dockerfile the lines make, in chars, with a newline after each. */
  static int chars(List<Line> lines) {
    int total = 0;
    for (Line line : lines) {
      total += line.text().length() + 1;
    }
    return total;
  }

  // Names the top-level field whose lines weigh most; worked out only for a refused Dockerfile.
  private static Problem tooLarge(List<Line> lines, int total) {
    Map<String, Integer> bytesByField = new LinkedHashMap<>();
    for (Line line : lines) {
      bytesByField.merge(topLevel(line.field()), line.bytes(), Integer::sum);
    }
    Map.Entry<String, Integer> largest =
        bytesByField.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    return new Problem(
        largest.getKey(),
        "makes up "
            + largest.getValue()
            + " bytes of a "
            + total
            + "-byte Dockerfile; at most "
            + MAX_DOCKERFILE_BYTES
            + " bytes are allowed in all (shorten it, or move the content into the rootfs)",
        null);
  }

  /**
   * The length {@code text.getBytes(UTF_8)} would have, without encoding it: a lone surrogate
   * becomes one replacement byte there, so it counts one here.
   */
  static int utf8Length(String text) {
    int bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        bytes += 4;
        i++;
      } else {
        bytes += Character.isSurrogate(c) ? 1 : 3;
      }
    }
    return bytes;
  }

  private static String topLevel(String field) {
    int end = field.length();
    for (char separator : new char[] {'[', '.'}) {
      int index = field.indexOf(separator);
      if (index >= 0 && index < end) {
        end = index;
      }
    }
    return field.substring(0, end);
  }
}
