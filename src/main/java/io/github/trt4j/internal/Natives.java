package io.github.trt4j.internal;

import io.github.trt4j.CudaUnavailableException;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;

/**
 * Loads the CUDA and TensorRT presets once and checks for a device. Every public entry point that
 * needs the GPU calls {@link #requireDevice(int)} first, so that a machine without a driver, a GPU
 * or the native libraries gets one {@link CudaUnavailableException} that says what is missing,
 * never an {@link UnsatisfiedLinkError} or a crash.
 */
public final class Natives {

  static final String HOW_TO =
      "Install the NVIDIA driver and CUDA 12 + cuDNN 9 + TensorRT 10.6 (their libraries on"
          + " LD_LIBRARY_PATH), or build with the Maven profile -Predist, which bundles TensorRT 10.6"
          + " and CUDA 12.6 so that only the driver is needed.";

  private static final Object LOCK = new Object();
  private static volatile boolean loaded;
  private static volatile CudaUnavailableException loadFailure;

  private Natives() {}

  private static volatile boolean parserLoaded;

  /**
   * Loads cudart and TensorRT (with the cuBLAS, NVRTC and cuDNN presets it pulls in). The ONNX
   * parser is not loaded here: deserializing and running a plan never needs it ({@link
   * #loadParser()}).
   */
  public static void load() {
    if (loaded) {
      return;
    }
    synchronized (LOCK) {
      if (loaded) {
        return;
      }
      if (loadFailure != null) {
        throw loadFailure;
      }
      String step = "the CUDA runtime (libcudart.so.12)";
      try {
        Loader.load(cudart.class);
        step = "TensorRT 10.6 (libnvinfer.so.10) with cuBLAS, NVRTC and cuDNN 9";
        Loader.load(nvinfer.class);
        loaded = true;
      } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
        loadFailure = new CudaUnavailableException(loadFailureMessage(step, e), e);
        throw loadFailure;
      }
    }
  }

  /** Loads TensorRT's ONNX parser (libnvonnxparser.so.10), which only building engines needs. */
  public static void loadParser() {
    load();
    if (parserLoaded) {
      return;
    }
    synchronized (LOCK) {
      if (parserLoaded) {
        return;
      }
      try {
        Loader.load(nvonnxparser.class);
        parserLoaded = true;
      } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
        throw new CudaUnavailableException(
            loadFailureMessage("TensorRT's ONNX parser (libnvonnxparser.so.10)", e), e);
      }
    }
  }

  static String loadFailureMessage(String step, Throwable e) {
    String detail = String.valueOf(e.getMessage());
    Throwable c = e.getCause();
    while (c != null) {
      if (c.getMessage() != null) {
        detail = detail + "; " + c.getMessage();
      }
      c = c.getCause();
    }
    if (detail.contains("libcuda.so")) {
      return "No NVIDIA driver: libcuda.so.1 (the driver's CUDA library) is not installed, so "
          + step + " cannot load (" + detail + "). Install an NVIDIA driver that supports CUDA 12."
          + " " + HOW_TO;
    }
    return "Cannot load " + step + ": " + detail + ". " + HOW_TO;
  }

  /**
   * Loads the natives and checks that CUDA device {@code device} exists.
   *
   * @throws CudaUnavailableException when libraries, driver or device are missing
   */
  public static void requireDevice(int device) {
    if (device < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0; got " + device);
    }
    load();
    int[] count = {0};
    int status = cudart.cudaGetDeviceCount(count);
    if (status != cudart.cudaSuccess) {
      throw new CudaUnavailableException(deviceCountMessage(status, Cuda.errorName(status)));
    }
    if (device >= count[0]) {
      throw new CudaUnavailableException(
          "CUDA device " + device + " does not exist: this machine has " + count[0] + " device(s)");
    }
  }

  static String deviceCountMessage(int status, String name) {
    return switch (status) {
      case cudart.cudaErrorNoDevice -> "No CUDA-capable GPU found (" + name + ")";
      case cudart.cudaErrorInsufficientDriver ->
          "No NVIDIA driver, or one too old for CUDA 12.6 ("
              + name
              + "). Install an NVIDIA driver that supports CUDA 12 (r525 or newer).";
      default -> "CUDA is not usable here: cudaGetDeviceCount failed with " + name + ". " + HOW_TO;
    };
  }

  /** Whether a CUDA device is usable, without throwing; the reason when not. */
  public static String unavailableReason() {
    try {
      requireDevice(0);
      return null;
    } catch (CudaUnavailableException e) {
      return e.getMessage();
    }
  }

  /** TensorRT's library version as {@code major*10000 + minor*100 + patch}, e.g. 100600. */
  public static int tensorRtVersion() {
    load();
    return nvinfer.getInferLibVersion();
  }
}
