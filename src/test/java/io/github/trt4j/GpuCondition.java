package io.github.trt4j;

import io.github.trt4j.internal.Natives;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Enables a test only where a CUDA device and the TensorRT libraries are usable. On a machine meant
 * to run GPU tests, {@code -Dtrt4j.requireGpu=true} turns the skip into a failure.
 */
public final class GpuCondition implements ExecutionCondition {

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

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String why = unavailableReason();
    if (why != null && Boolean.getBoolean("trt4j.requireGpu")) {
      throw new IllegalStateException("trt4j.requireGpu is set, but: " + why);
    }
    return why == null
        ? ConditionEvaluationResult.enabled("CUDA device present")
        : ConditionEvaluationResult.disabled("No usable CUDA device: " + why);
  }
}
