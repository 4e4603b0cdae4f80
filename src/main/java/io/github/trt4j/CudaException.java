package io.github.trt4j;

/** A CUDA driver call returned an error status ({@code CUresult}), named as the driver names it. */
public class CudaException extends TrtException {
  private static final long serialVersionUID = 1L;

  /** The CUDA status code. */
  private final int status;

  /** The status's name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
  private final String statusName;

  /**
   * A failed CUDA call.
   *
   * @param message what failed
   * @param status the CUDA status code
   * @param statusName the status's name
   */
  public CudaException(String message, int status, String statusName) {
    super(message);
    this.status = status;
    this.statusName = statusName;
  }

  /** {@return the {@code CUresult} value} */
  public int status() {
    return status;
  }

  /** {@return the status's name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}} */
  public String statusName() {
    return statusName;
  }
}
