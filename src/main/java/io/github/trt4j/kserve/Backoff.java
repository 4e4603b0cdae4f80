package io.github.trt4j.kserve;

import java.time.Duration;

/** The wait between retries, shared by both runners (kept free of gRPC types). */
final class Backoff {

  private Backoff() {}

  /** Sleeps {@code d}; an interrupt ends the retrying with the interrupt flag kept. */
  static void sleep(Duration d, String where, Exception cause) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw new KServeException(
          KServeException.Reason.UNAVAILABLE,
          where + ": interrupted while waiting to retry",
          cause);
    }
  }
}
