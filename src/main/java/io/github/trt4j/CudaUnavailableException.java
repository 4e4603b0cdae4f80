package io.github.trt4j;

/**
 * No usable CUDA device: no NVIDIA driver, no GPU, or missing CUDA, cuDNN or TensorRT libraries.
 * The message says which, and how to get it.
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
