package io.github.trt4j.internal.trt;

import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;

/**
 * What is particular to the TensorRT 11 line (bytedeco's {@code tensorrt:11.2-1.5.14} JNI glue,
 * which drives any libnvinfer.so.11 from 11.2 on). The TensorRT 10 line has its own copy of this
 * class in {@code src/trt10}; the Maven build picks one ({@code -Ptrt11}).
 */
final class Line {

  private Line() {}

  static final int MAJOR = 11;

  /** The oldest library the glue was built against: 11.2.0. */
  static final int MINIMUM = 110200;

  static final String GLUE = "org.bytedeco:tensorrt:11.2-1.5.14";
  static final String REDIST = "org.bytedeco:tensorrt:11.2-1.5.14:linux-x86_64-redist";

  // The driver each line needs: io.github.trt4j.internal.DriverLine, beside this class.

  /**
   * Deleting-destructor slot of {@code nvonnxparser::IParser}, as in TensorRT 10: its destructor
   * follows the same eight pure virtual methods in 11.2's NvOnnxParser.h.
   */
  static final int PARSER_DELETE_SLOT = 9;

  /**
   * TensorRT 11 removed {@code BuilderFlag.kFP16} (with kINT8, kBF16, calibrators and algorithm
   * selectors): every network is strongly typed, and a layer runs in FP16 only where the model's
   * own types say so. trt4j does not rewrite a model's types, so it refuses instead of building an
   * FP32 engine the user did not ask for.
   */
  static void allowFp16(IBuilderConfig config) {
    throw new UnsupportedOperationException(
        "--fp16 is not available with TensorRT 11: it builds"
            + " strongly typed networks only (BuilderFlag.kFP16 was removed), so precision comes from"
            + " the model. Export the ONNX model in FP16 (for example torch.onnx.export of a"
            + " model.half(), or onnxconverter-common's float16 conversion) and build it without"
            + " --fp16, or use the TensorRT 10 line of trt4j.");
  }
}
