package io.github.trt4j.kserve;

/**
 * A remote runner failed for a reason other than the caller's input (bad input gets an {@link
 * IllegalArgumentException} naming the tensor): the server is unreachable or slow, the model is not
 * ready, or the server's answer is malformed.
 */
public final class KServeException extends RuntimeException {

  /** Why the call failed. */
  public enum Reason {
    /** Could not reach the server, or it said UNAVAILABLE, after every retry. */
    UNAVAILABLE,
    /** No answer within the configured timeout. */
    TIMEOUT,
    /** The server is up but the model is not ready (or not there). */
    MODEL_NOT_READY,
    /** The server answered with something that does not follow the protocol or the model. */
    BAD_RESPONSE,
    /** The server reported an error of its own. */
    SERVER_ERROR
  }

  private final Reason reason;

  public KServeException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public KServeException(Reason reason, String message) {
    this(reason, message, null);
  }

  public Reason reason() {
    return reason;
  }
}
