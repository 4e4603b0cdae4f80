package io.github.trt4j.internal.cuda;

import java.lang.foreign.FunctionDescriptor;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.Map;

/**
 * Names for the {@code CUresult} statuses trt4j expects, for when the driver cannot be asked
 * ({@code cuGetErrorName} needs the library), and the stand-in handle for a missing library.
 */
final class Statuses {

  private Statuses() {}

  private static final Map<Integer, String[]> KNOWN =
      Map.ofEntries(
          Map.entry(0, new String[] {"CUDA_SUCCESS", "no error"}),
          Map.entry(1, new String[] {"CUDA_ERROR_INVALID_VALUE", "invalid argument"}),
          Map.entry(2, new String[] {"CUDA_ERROR_OUT_OF_MEMORY", "out of memory"}),
          Map.entry(3, new String[] {"CUDA_ERROR_NOT_INITIALIZED", "initialization error"}),
          Map.entry(4, new String[] {"CUDA_ERROR_DEINITIALIZED", "driver shutting down"}),
          Map.entry(
              35,
              new String[] {
                "CUDA_ERROR_INSUFFICIENT_DRIVER",
                "CUDA driver version is insufficient for CUDA runtime version"
              }),
          Map.entry(
              100, new String[] {"CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"}),
          Map.entry(101, new String[] {"CUDA_ERROR_INVALID_DEVICE", "invalid device ordinal"}),
          Map.entry(201, new String[] {"CUDA_ERROR_INVALID_CONTEXT", "invalid device context"}),
          Map.entry(400, new String[] {"CUDA_ERROR_INVALID_HANDLE", "invalid resource handle"}),
          Map.entry(600, new String[] {"CUDA_ERROR_NOT_READY", "device not ready"}),
          Map.entry(
              700,
              new String[] {
                "CUDA_ERROR_ILLEGAL_ADDRESS", "an illegal memory access was encountered"
              }),
          Map.entry(999, new String[] {"CUDA_ERROR_UNKNOWN", "unknown error"}));

  static String name(int status) {
    if (status == Driver.NOT_LOADED) {
      return "CUDA driver not loaded";
    }
    String[] k = KNOWN.get(status);
    return k != null ? k[0] : "CUresult " + status;
  }

  static String description(int status) {
    if (status == Driver.NOT_LOADED) {
      String why = Driver.unavailable();
      return why != null ? why : Driver.LIBRARY + " lacks this function";
    }
    String[] k = KNOWN.get(status);
    return k != null ? k[1] : "unknown status";
  }

  /**
   * A handle of {@code fd}'s type that ignores its arguments and returns {@link Driver#NOT_LOADED}.
   */
  static MethodHandle notLoaded(FunctionDescriptor fd) {
    MethodHandle c = MethodHandles.constant(int.class, Driver.NOT_LOADED);
    var type = fd.toMethodType();
    return MethodHandles.dropArguments(c, 0, type.parameterList());
  }
}
