package io.github.trt4j;

/**
 * No usable GPU or TensorRT: no NVIDIA driver or one too old for the TensorRT line, no GPU, no
 * TensorRT library (or one of the other major, or older than the line's), or a TensorRT home
 * without one. The message says what was found, what is needed, and how to get it.
 */
public class CudaUnavailableException extends TrtException {
  private static final long serialVersionUID = 1L;

  /**
   * No usable CUDA device, for the reason in {@code message}.
   *
   * @param message what is missing and how to get it
   */
  public CudaUnavailableException(String message) {
    super(message);
  }

  /**
   * No usable CUDA device, for the reason in {@code message}.
   *
   * @param message what is missing and how to get it
   * @param cause the underlying failure
   */
  public CudaUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
