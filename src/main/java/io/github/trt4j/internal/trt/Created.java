package io.github.trt4j.internal.trt;

import io.github.trt4j.CudaUnavailableException;
import io.github.trt4j.TrtException;
import io.github.trt4j.internal.Cuda;
import java.util.List;
import org.bytedeco.javacpp.Pointer;

/**
 * Checks what a TensorRT create call returned before trt4j keeps it (and later deletes it). When
 * TensorRT cannot start CUDA (its own CUDA runtime refuses the driver: a TensorRT built for a newer
 * CUDA than the driver supports), TensorRT 10.6's {@code createInferRuntime} logs the failure and
 * returns no object but the address 0x200, not null: used or deleted, that ends the process. Such
 * an answer, and any address in the first page, is refused here with a typed exception.
 */
final class Created {

  /** No object lives in the first page. */
  static final long LOWEST_OBJECT = 4096;

  private Created() {}

  /**
   * {@code p} when it is an object TensorRT made.
   *
   * @throws CudaUnavailableException when TensorRT said it could not start CUDA
   * @throws TrtException when the answer is null or no object
   */
  static <T extends Pointer> T check(T p, String call, TrtLog.Capture capture) {
    RuntimeException e =
        refusal(
            p == null ? 0 : p.address(),
            call,
            capture.errors(),
            capture.summary("no reason given"),
            driverCuda());
    if (e != null) {
      throw e;
    }
    return p;
  }

  /**
   * Why a create call's answer cannot be used, or null when it can: the pure part of {@link
   * #check}, for tests.
   *
   * @param address the answer's address (0 for null)
   * @param errors TensorRT's error lines during the call
   * @param summary those lines as one text
   * @param driverCuda the CUDA version the driver supports (e.g. 12040), 0 when unknown
   */
  static RuntimeException refusal(
      long address, String call, List<String> errors, String summary, int driverCuda) {
    String cuda = cudaStartFailure(errors);
    if (cuda != null) {
      return new CudaUnavailableException(cudaMessage(call, cuda, driverCuda));
    }
    if (address == 0) {
      return new TrtException(call + " returned null: " + summary);
    }
    if (Long.compareUnsigned(address, LOWEST_OBJECT) < 0) {
      return new TrtException(
          call + " returned no object (address 0x" + Long.toHexString(address) + "): " + summary);
    }
    return null;
  }

  /** TensorRT's lines saying it could not start CUDA, joined; null when there is none. */
  static String cudaStartFailure(List<String> errors) {
    List<String> said =
        errors.stream()
            .filter(
                l ->
                    l.contains("CUDA initialization failure")
                        || l.contains("CUDA driver version is insufficient"))
            .toList();
    return said.isEmpty() ? null : String.join(" | ", said);
  }

  static String cudaMessage(String call, String said, int driverCuda) {
    String lib;
    try {
      Natives.Library l = Natives.loaded();
      lib = l == null ? "TensorRT" : "TensorRT " + l.versionString() + " (" + l.where() + ")";
    } catch (RuntimeException e) {
      lib = "TensorRT";
    }
    String driver =
        driverCuda > 0
            ? " The NVIDIA driver here supports CUDA "
                + Cuda.versionString(driverCuda)
                + "; a TensorRT built for a newer CUDA needs a newer driver: update the driver, or"
                + " use a TensorRT built for CUDA "
                + driverCuda / 1000
                + "."
            : " Update the NVIDIA driver, or use a TensorRT built for the CUDA it supports.";
    return lib + " could not start CUDA (" + call + "): " + said + "." + driver;
  }

  private static int driverCuda() {
    try {
      return Cuda.driverVersion();
    } catch (RuntimeException e) {
      return 0;
    }
  }
}
