package io.github.trt4j.internal.trt;

import java.util.List;

/**
 * The bytedeco classes trt4j uses, initialized by {@link Natives} while JavaCPP's own loading is
 * off, so that none of their static initializers ({@code Loader.load()}) ever loads a library
 * later: JavaCPP's {@code Loader.load()} of any TensorRT class initializes the CUDA presets
 * TensorRT's preset inherits (cudart, cuBLAS, cuDNN, NVRTC), whose static initializers call their
 * JNI glue and so need the CUDA toolkit; it would also load a second libnvinfer from a redist jar.
 * {@code GlueClassesTest} reads trt4j's compiled classes and fails if one refers to a TensorRT
 * class whose initializer loads libraries and that is missing here.
 */
final class GlueClasses {

  private GlueClasses() {}

  static final List<String> RUNTIME =
      List.of(
          "org.bytedeco.javacpp.Pointer",
          "org.bytedeco.javacpp.BytePointer",
          "org.bytedeco.tensorrt.global.nvinfer",
          "org.bytedeco.tensorrt.nvinfer.Dims64",
          "org.bytedeco.tensorrt.nvinfer.ILogger",
          "org.bytedeco.tensorrt.nvinfer.IRuntime",
          "org.bytedeco.tensorrt.nvinfer.ICudaEngine",
          "org.bytedeco.tensorrt.nvinfer.IExecutionContext",
          "org.bytedeco.tensorrt.nvinfer.IHostMemory",
          "org.bytedeco.tensorrt.nvinfer.IBuilder",
          "org.bytedeco.tensorrt.nvinfer.IBuilderConfig",
          "org.bytedeco.tensorrt.nvinfer.INetworkDefinition",
          "org.bytedeco.tensorrt.nvinfer.IOptimizationProfile",
          "org.bytedeco.tensorrt.nvinfer.ITensor",
          "org.bytedeco.tensorrt.nvinfer.ITimingCache",
          "org.bytedeco.tensorrt.nvinfer.IOutputAllocator",
          "org.bytedeco.tensorrt.nvinfer.IPluginRegistry",
          "org.bytedeco.tensorrt.nvinfer.IPluginCreatorInterface",
          "org.bytedeco.cuda.cudart.CUstream_st");

  static final List<String> PARSER =
      List.of(
          "org.bytedeco.tensorrt.global.nvonnxparser",
          "org.bytedeco.tensorrt.nvonnxparser.IParser",
          "org.bytedeco.tensorrt.nvonnxparser.IParserError");

  static final List<String> PLUGIN = List.of("org.bytedeco.tensorrt.global.nvinfer_plugin");
}
