package io.github.trt4j;

/** A CUDA runtime call returned an error status. */
public class CudaException extends TrtException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String statusName;

  public CudaException(String message, int status, String statusName) {
    super(message);
    this.status = status;
    this.statusName = statusName;
  }

  /** The {@code cudaError_t} value. */
  public int status() {
    return status;
  }

  /** The status's name, e.g. {@code cudaErrorMemoryAllocation}. */
  public String statusName() {
    return statusName;
  }
}
