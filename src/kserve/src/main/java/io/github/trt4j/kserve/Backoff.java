package io.github.trt4j.kserve;

import java.time.Duration;

/**
 * Retrying with backoff while a server is unavailable, shared by both runners (free of gRPC types).
 */
final class Backoff {

  private Backoff() {}

  /** One attempt: its result, or {@link Unavailable} when it may be retried. */
  interface Attempt<T> {
    T run() throws Unavailable;
  }

  /** An attempt that found the server unavailable (refused, reset, HTTP 503, gRPC UNAVAILABLE). */
  static final class Unavailable extends Exception {
    private static final long serialVersionUID = 1L;
    final String detail;

    Unavailable(String detail, Throwable cause) {
      super(detail, cause, false, false);
      this.detail = detail;
    }
  }

  /**
   * Runs {@code attempt} up to {@code options.maxAttempts()} times, sleeping {@code
   * options.backoff(n)} after the n-th unavailable answer; then a {@link KServeException} of reason
   * UNAVAILABLE naming {@code where}, the attempts and the last failure.
   */
  static <T> T retrying(KServeOptions options, String where, Attempt<T> attempt) {
    for (int n = 1; ; n++) {
      try {
        return attempt.run();
      } catch (Unavailable u) {
        Throwable cause = u.getCause() != null ? u.getCause() : u;
        if (n >= options.maxAttempts()) {
          throw new KServeException(
              KServeException.Reason.UNAVAILABLE,
              where + ": server unavailable after " + n + " attempt(s): " + u.detail,
              cause);
        }
        sleep(options.backoff(n), where, cause);
      }
    }
  }

  /** Sleeps {@code d}; an interrupt ends the retrying with the interrupt flag kept. */
  static void sleep(Duration d, String where, Throwable cause) {
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
