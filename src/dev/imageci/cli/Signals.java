package dev.imageci.cli;

import dev.imageci.docker.CancelSignal;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGTERM and SIGINT (what a Jenkins abort sends) into a cancel, so the build is stopped in
 * the daemon and cleaned up before the process exits, instead of the JVM dying mid-build.
 *
 * <p>sun.misc.Signal is the only way to handle a signal without exiting; a shutdown hook would run
 * too late to set the exit status.
 */
final class Signals implements Invocation.Watch {

  private final SignalHandler previousTerm;
  private final SignalHandler previousInt;

  private Signals(SignalHandler previousTerm, SignalHandler previousInt) {
    this.previousTerm = previousTerm;
    this.previousInt = previousInt;
  }

  static Signals onTermination(CancelSignal cancel) {
    SignalHandler handler = signal -> cancel.cancel("cancelled by SIG" + signal.getName(), false);
    return new Signals(
        Signal.handle(new Signal("TERM"), handler), Signal.handle(new Signal("INT"), handler));
  }

  @Override
  public void close() {
    Signal.handle(new Signal("TERM"), previousTerm);
    Signal.handle(new Signal("INT"), previousInt);
  }
}
