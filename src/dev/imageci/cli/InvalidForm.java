package dev.imageci.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What the history can learn from a form that failed validation: the image text as given. */
final class InvalidForm {

  // Limitation: a pattern, not a parser, finds the image, because the form could not be read.
  private static final Pattern IMAGE =
      Pattern.compile("^[{\\s]*\"?image\"?\\s*:\\s*[\"']?([^\"'\\s,#}]{1,255})", Pattern.MULTILINE);

  private InvalidForm() {}

  /** The image named in {@code text}, or {@code "(unknown)"} when none can be found. */
  static String imageText(String text) {
    Matcher image = IMAGE.matcher(text);
    return image.find() ? image.group(1) : "(unknown)";
  }
}
