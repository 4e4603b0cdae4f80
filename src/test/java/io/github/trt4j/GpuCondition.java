package io.github.trt4j;

import io.github.trt4j.internal.Natives;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/** Enables a test only where a CUDA device and the TensorRT libraries are usable. */
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
    return why == null
        ? ConditionEvaluationResult.enabled("CUDA device present")
        : ConditionEvaluationResult.disabled("No usable CUDA device: " + why);
  }
}
