/**
 * trt4j, the Java runtime for NVIDIA TensorRT 10. The public API is {@code io.github.trt4j}; {@code
 * io.github.trt4j.internal} (every JavaCPP, CUDA and FFM call) is not exported. The command line,
 * the KServe client and Triton export, and the GazeML sample are separate artifacts (trt4j-cli,
 * trt4j-kserve, trt4j-gazeml) built on this API.
 */
module io.github.trt4j {
  requires org.bytedeco.javacpp;
  requires org.bytedeco.cuda;
  requires org.bytedeco.tensorrt;
  requires org.slf4j;

  exports io.github.trt4j;
}
