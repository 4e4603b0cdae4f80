package io.github.trt4j;

/** A CUDA driver call returned an error status ({@code CUresult}), named as the driver names it. */
public class CudaException extends TrtException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String statusName;

  public CudaException(String message, int status, String statusName) {
    super(message);
    this.status = status;
    this.statusName = statusName;
  }

  /** The {@code CUresult} value. */
  public int status() {
    return status;
  }

  /** The status's name, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
  public String statusName() {
    return statusName;
  }
}
