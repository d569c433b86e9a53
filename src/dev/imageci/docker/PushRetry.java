package dev.imageci.docker;

import java.time.Duration;

/**
 * How often and how patiently a push is retried after a transient failure.
 *
 * @param attempts attempts in all, the first included
 * @param firstDelay the wait before the second attempt; each later wait doubles
 */
public record PushRetry(int attempts, Duration firstDelay) {

  public static PushRetry defaults() {
    return new PushRetry(5, Duration.ofSeconds(2));
  }

  Duration delayBefore(int attempt) {
    return firstDelay.multipliedBy(1L << Math.max(0, attempt - 2));
  }
}
