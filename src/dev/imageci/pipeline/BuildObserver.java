package dev.imageci.pipeline;

/**
 * Hears about each build attempt; the image history implements it to record builds. It is called on
 * the build's thread once the Dockerfile is rendered and the rootfs prepared (or as soon as one of
 * them failed), before anything is sent to the daemon.
 */
public interface BuildObserver {

  /** Records nothing and refuses {@code tag: auto}. */
  BuildObserver NONE = attempt -> BuildRecording.NONE;

  /** The attempt starts; the returned recording follows it to its end. */
  BuildRecording started(Attempt attempt);
}
