package dev.imageci.resident;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * System.out and System.err of the resident process, sent to the client whose command the writing
 * thread works for. The logger writes to System.err from a build's own threads (the daemon's
 * output, the rootfs hash, the timeout), all started by the command's thread, so the client is
 * inherited; a write from any other thread goes to the process's own log.
 */
final class RoutedOutput {

  private static final InheritableThreadLocal<Target> CURRENT = new InheritableThreadLocal<>();

  /** Where one command's output goes; closed when the command has ended. */
  interface Target {
    OutputStream stdout();

    OutputStream stderr();

    boolean isOpen();
  }

  private RoutedOutput() {}

  /** Routes System.out and System.err; what no command writes goes to {@code log}. */
  static void install(PrintStream log) {
    System.setOut(stream(true, log));
    System.setErr(stream(false, log));
  }

  /** Runs {@code body} with this thread, and the threads it starts, writing to {@code target}. */
  static void runFor(Target target, Runnable body) {
    Target previous = CURRENT.get();
    CURRENT.set(target);
    try {
      body.run();
    } finally {
      CURRENT.set(previous);
    }
  }

  private static PrintStream stream(boolean stdout, PrintStream log) {
    OutputStream routed =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] bytes, int offset, int length) throws IOException {
            Target target = CURRENT.get();
            if (target != null && target.isOpen()) {
              (stdout ? target.stdout() : target.stderr()).write(bytes, offset, length);
            } else {
              log.write(bytes, offset, length);
            }
          }
        };
    return new PrintStream(routed, true, StandardCharsets.UTF_8);
  }
}
