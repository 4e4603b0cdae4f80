package io.github.trt4j;

import java.nio.file.Path;

/**
 * The native libraries trt4j runs on: the TensorRT library it loaded (version, file, and how it was
 * found) and the NVIDIA driver. From {@link TrtEngine#runtime()}.
 *
 * @param tensorRtVersion the loaded libnvinfer's version, e.g. {@code 10.6.0}
 * @param tensorRtLibrary the file loaded
 * @param foundIn how it was found: {@code TRT4J_TENSORRT_HOME}, {@code -Dtrt4j.tensorrt.home},
 *     {@code the system's library path} or {@code the redist jar on the class path}
 * @param lineMajor the TensorRT major this build of trt4j drives (10 or 11)
 * @param driverCudaVersion the CUDA version the NVIDIA driver supports, e.g. {@code 13.0}; null
 *     when no driver loads
 */
public record NativeRuntime(
    String tensorRtVersion,
    Path tensorRtLibrary,
    String foundIn,
    int lineMajor,
    String driverCudaVersion) {

  /**
   * One line, e.g. {@code TensorRT 10.6.0 from /x/libnvinfer.so.10 (the system's library path);
   * driver CUDA 13.0}.
   */
  @Override
  public String toString() {
    return "TensorRT "
        + tensorRtVersion
        + " from "
        + tensorRtLibrary
        + " ("
        + foundIn
        + "); driver "
        + (driverCudaVersion == null ? "none" : "CUDA " + driverCudaVersion);
  }
}
