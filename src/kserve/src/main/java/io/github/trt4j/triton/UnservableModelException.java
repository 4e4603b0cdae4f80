package io.github.trt4j.triton;

import java.util.List;

/**
 * Triton could not serve the engine as configured; {@link #reasons()} says why, one per problem.
 */
public final class UnservableModelException extends IllegalArgumentException {

  private final List<String> reasons;

  UnservableModelException(String model, List<String> reasons) {
    super("Triton cannot serve '" + model + "' as configured: " + String.join("; ", reasons));
    this.reasons = List.copyOf(reasons);
  }

  public List<String> reasons() {
    return reasons;
  }
}
