package dev.imageci.pipeline;

/**
 * Hears about each build attempt; the image history implements it to record builds. Both methods
 * run on the build's thread; an exception from them is logged and does not change the result.
 */
public interface BuildObserver {

  /** Observes nothing. */
  BuildObserver NONE =
      new BuildObserver() {
        @Override
        public void started(Attempt attempt) {}

        @Override
        public void finished(Attempt attempt, BuildResult result) {}
      };

  /** The build is about to start: tags resolved, nothing sent to the daemon yet. */
  void started(Attempt attempt);

  /** The build ended in any way: succeeded, failed or cancelled. */
  void finished(Attempt attempt, BuildResult result);
}
