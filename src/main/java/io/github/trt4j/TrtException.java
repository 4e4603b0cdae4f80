package io.github.trt4j;

/**
 * A failure inside TensorRT or CUDA. Caller mistakes are {@link IllegalArgumentException}s, use of
 * closed objects {@link IllegalStateException}s, and file problems {@link java.io.IOException}s.
 */
public class TrtException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A TensorRT or CUDA failure.
   *
   * @param message what failed
   */
  public TrtException(String message) {
    super(message);
  }

  /**
   * A TensorRT or CUDA failure.
   *
   * @param message what failed
   * @param cause the underlying failure
   */
  public TrtException(String message, Throwable cause) {
    super(message, cause);
  }
}
