package io.github.trt4j;

import io.github.trt4j.internal.trt.Natives;
import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Enables a test only where a CUDA device and the TensorRT libraries are usable. A GPU test is
 * skipped only where there is no NVIDIA driver at all: on a machine with a driver whose
 * CUDA/TensorRT libraries are missing, every GPU test skipping would report a green run that tested
 * nothing, so there the tests fail unless {@code -Dtrt4j.allowMissingGpuLibs=true}. On a machine
 * meant to run GPU tests, {@code -Dtrt4j.requireGpu=true} turns every skip into a failure.
 */
public final class GpuCondition implements ExecutionCondition {

  /** What to do with a GPU test. */
  enum Gate {
    RUN,
    SKIP,
    FAIL
  }

  /** A gate and the reason given for it. */
  record Decision(Gate gate, String message) {}

  private static volatile String reason;
  private static volatile boolean probed;

  /** Null when a GPU is usable; otherwise why not. */
  public static synchronized String unavailableReason() {
    if (!probed) {
      reason = Natives.unavailableReason();
      probed = true;
    }
    return reason;
  }

  /**
   * The decision, as a pure function of what was found.
   *
   * @param unavailable null when a GPU is usable, else why not
   * @param driver a description of the NVIDIA driver found, or null when there is none
   */
  static Decision decide(
      String unavailable, String driver, boolean requireGpu, boolean allowMissingLibs) {
    if (unavailable == null) {
      return new Decision(Gate.RUN, "CUDA device present");
    }
    if (requireGpu) {
      return new Decision(Gate.FAIL, "trt4j.requireGpu is set, but: " + unavailable);
    }
    if (driver != null && !allowMissingLibs) {
      return new Decision(
          Gate.FAIL,
          "An NVIDIA driver is present ("
              + driver
              + ") but the GPU is not"
              + " usable: "
              + unavailable
              + " Fix the CUDA/TensorRT libraries (e.g. build with -Predist),"
              + " or pass -Dtrt4j.allowMissingGpuLibs=true to skip the GPU tests on purpose.");
    }
    return new Decision(Gate.SKIP, "No usable CUDA device: " + unavailable);
  }

  /** The NVIDIA driver's trace on this machine, or null. */
  static String driverPresence() {
    Path version = Path.of("/proc/driver/nvidia/version");
    if (Files.exists(version)) {
      return version.toString() + " exists";
    }
    try {
      SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
      return "libcuda.so.1 loads";
    } catch (IllegalArgumentException | IllegalCallerException notThere) {
      return null;
    }
  }

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String why = unavailableReason();
    Decision d =
        decide(
            why,
            why == null ? null : driverPresence(),
            Boolean.getBoolean("trt4j.requireGpu"),
            Boolean.getBoolean("trt4j.allowMissingGpuLibs"));
    return switch (d.gate()) {
      case RUN -> ConditionEvaluationResult.enabled(d.message());
      case SKIP -> ConditionEvaluationResult.disabled(d.message());
      case FAIL -> throw new IllegalStateException(d.message());
    };
  }
}
