package io.github.trt4j.examples.spark;

import io.github.trt4j.DataType;
import io.github.trt4j.Model;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A CPU stand-in for an engine: x FP32 [-1, F] → y FP32 [-1, 2] = (row sum, row max). Counts what
 * the plumbing does to it: how many runs at once, the largest batch.
 */
final class FakeRunner implements Runner {

  static final AtomicInteger inFlight = new AtomicInteger();
  static final AtomicInteger maxInFlight = new AtomicInteger();
  static final AtomicInteger maxBatch = new AtomicInteger();
  static final AtomicInteger calls = new AtomicInteger();

  static void reset() {
    inFlight.set(0);
    maxInFlight.set(0);
    maxBatch.set(0);
    calls.set(0);
  }

  record FakeModel(String name, List<TensorSpec> tensors) implements Model {}

  private final Model model;
  private final int features;
  private volatile boolean closed;

  FakeRunner(int features) {
    this.features = features;
    this.model =
        new FakeModel(
            "fake",
            List.of(
                TensorSpec.of(0, "x", Direction.INPUT, DataType.FLOAT, Shape.of(-1, features)),
                TensorSpec.of(1, "y", Direction.OUTPUT, DataType.FLOAT, Shape.of(-1, 2))));
  }

  @Override
  public Model model() {
    return model;
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try {
      calls.incrementAndGet();
      Tensor x = inputs.get("x");
      if (x == null || !x.shape().matches(Shape.of(-1, features))) {
        throw new IllegalArgumentException(
            "Input 'x' needs shape [-1, "
                + features
                + "]; got "
                + (x == null ? "none" : x.shape()));
      }
      int b = (int) x.shape().dim(0);
      maxBatch.accumulateAndGet(b, Math::max);
      float[] v = x.floats();
      float[] y = new float[b * 2];
      for (int r = 0; r < b; r++) {
        float sum = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < features; i++) {
          sum += v[r * features + i];
          max = Math.max(max, v[r * features + i]);
        }
        y[r * 2] = sum;
        y[r * 2 + 1] = max;
      }
      Thread.yield(); // widen the window in which concurrent borrowers would overlap
      return Map.of("y", Tensor.ofFloats(Shape.of(b, 2), y));
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public void close() {
    closed = true;
  }

  /** A pool of fake runners; counts how often an executor opens it and for which GPU. */
  record Factory(String id, int features, int size) implements PoolFactory {
    static final AtomicInteger opens = new AtomicInteger();
    static volatile int lastGpu = -1;

    @Override
    public String key() {
      return "fake:" + id;
    }

    @Override
    public RunnerPool open(int gpu) {
      opens.incrementAndGet();
      lastGpu = gpu;
      FakeRunner first = new FakeRunner(features);
      return new BlockingRunnerPool(first.model(), size, () -> new FakeRunner(features), () -> {});
    }
  }
}
