package io.github.trt4j.triton;

/**
 * How Triton should serve an exported engine.
 *
 * @param name the model's name: its directory in the repository and the name clients use
 * @param maxBatchSize 0 when Triton passes full shapes through (no batching); otherwise the largest
 *     batch Triton may form, and every tensor's first dimension is the batch dimension
 * @param dynamicBatching whether Triton combines requests into batches (needs {@code maxBatchSize >
 *     0})
 * @param maxQueueDelayMicros how long dynamic batching may hold a request to fill a batch (0 = not
 *     written, Triton's default)
 * @param instances model instances per GPU ({@code instance_group} count)
 */
public record TritonOptions(
    String name,
    int maxBatchSize,
    boolean dynamicBatching,
    long maxQueueDelayMicros,
    int instances) {

  public TritonOptions {
    if (name == null || !name.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")) {
      throw new IllegalArgumentException(
          "A Triton model name is one directory name of letters, digits, '_', '.', '-'"
              + " (not starting with '.' or '-'); got '"
              + name
              + "'");
    }
    if (maxBatchSize < 0) {
      throw new IllegalArgumentException("max batch size must be >= 0; got " + maxBatchSize);
    }
    if (maxQueueDelayMicros < 0) {
      throw new IllegalArgumentException(
          "max queue delay must be >= 0; got " + maxQueueDelayMicros);
    }
    if (instances < 1) {
      throw new IllegalArgumentException("instances must be >= 1; got " + instances);
    }
  }

  /** One instance per GPU, no batching. */
  public static TritonOptions named(String name) {
    return new TritonOptions(name, 0, false, 0, 1);
  }

  public TritonOptions withMaxBatchSize(int b) {
    return new TritonOptions(name, b, dynamicBatching, maxQueueDelayMicros, instances);
  }

  public TritonOptions withDynamicBatching(boolean on, long maxQueueDelayMicros) {
    return new TritonOptions(name, maxBatchSize, on, maxQueueDelayMicros, instances);
  }

  public TritonOptions withInstances(int k) {
    return new TritonOptions(name, maxBatchSize, dynamicBatching, maxQueueDelayMicros, k);
  }
}
