/**
 * trt4j, the Java runtime for NVIDIA TensorRT 10. The public API is {@code io.github.trt4j}; {@code
 * io.github.trt4j.internal} (every JavaCPP, CUDA and FFM call) is not exported. The command line,
 * the GazeML sample and the scale-out packages are exported for their users; their dependencies
 * (picocli, OpenCV, FFmpeg, gRPC, protobuf) are optional, so core users need none.
 */
module io.github.trt4j {
  requires org.bytedeco.javacpp;
  requires org.bytedeco.cuda;
  requires org.bytedeco.tensorrt;
  requires org.slf4j;
  requires java.net.http;
  requires static info.picocli;
  requires static org.bytedeco.opencv;
  requires static org.bytedeco.ffmpeg;
  requires static com.google.protobuf;
  requires static com.google.common;
  requires static io.grpc;
  requires static io.grpc.stub;
  requires static io.grpc.protobuf;

  exports io.github.trt4j;
  exports io.github.trt4j.cli;
  exports io.github.trt4j.gazeml;
  exports io.github.trt4j.kserve;
  exports io.github.trt4j.triton;

  // picocli reads and sets the commands' annotated fields by reflection.
  opens io.github.trt4j.cli to
      info.picocli;
  opens io.github.trt4j.gazeml to
      info.picocli;
  // protobuf reads the generated messages' accessors by reflection.
  opens io.github.trt4j.kserve.proto to
      com.google.protobuf;
  opens io.github.trt4j.triton.proto to
      com.google.protobuf;
}
