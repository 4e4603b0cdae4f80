package io.github.trt4j.internal.trt;

import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;

/**
 * What is particular to the TensorRT 10 line (bytedeco's {@code tensorrt:10.6-1.5.11} JNI glue,
 * which drives any libnvinfer.so.10 from 10.6 on). The TensorRT 11 line has its own copy of this
 * class in {@code src/trt11}; the Maven build picks one.
 */
final class Line {

  private Line() {}

  static final int MAJOR = 10;

  /** The oldest library the glue was built against: 10.6.0. */
  static final int MINIMUM = 100600;

  /** The glue's own TensorRT version, for messages. */
  static final String GLUE = "org.bytedeco:tensorrt:10.6-1.5.11";

  static final String REDIST = "org.bytedeco:tensorrt:10.6-1.5.11:linux-x86_64-redist";

  // The driver each line needs: io.github.trt4j.internal.DriverLine, beside this class.

  /**
   * Deleting-destructor slot of {@code nvonnxparser::IParser}: its destructor follows eight pure
   * virtual methods (parse, parseFromFile, supportsModel, parseWithWeightDescriptors,
   * supportsOperator, getNbErrors, getError, clearErrors), so the two destructor entries are slots
   * 8 and 9.
   */
  static final int PARSER_DELETE_SLOT = 9;

  /** Lets the builder choose FP16 kernels (TensorRT 10's weakly typed networks). */
  static void allowFp16(IBuilderConfig config) {
    config.setFlag(nvinfer.BuilderFlag.kFP16);
  }
}
