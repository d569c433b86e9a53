package dev.imageci.docker;

import java.util.function.Consumer;

/**
 * Joins the daemon's output chunks into whole lines, the way {@code docker build} shows them: a
 * chunk may hold half a line or several. Carriage-return progress redraws keep their last state.
 */
final class LineOutput {

  private final Consumer<String> sink;
  private final StringBuilder pending = new StringBuilder();

  LineOutput(Consumer<String> sink) {
    this.sink = sink;
  }

  void append(String chunk) {
    for (int i = 0; i < chunk.length(); i++) {
      char c = chunk.charAt(i);
      if (c == '\n') {
        emit();
      } else if (c == '\r') {
        pending.setLength(0);
      } else {
        pending.append(c);
      }
    }
  }

  /** Prints what is left without a final newline. */
  void flush() {
    if (pending.length() > 0) {
      emit();
    }
  }

  private void emit() {
    sink.accept(pending.toString());
    pending.setLength(0);
  }
}
