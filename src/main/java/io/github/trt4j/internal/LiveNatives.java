package io.github.trt4j.internal;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many TensorRT engines and execution contexts this process holds right now, and the most
 * engines it held at once since {@link #resetPeakEngines()}. An exact leak check for tests and
 * diagnostics (GPU free memory is not one: the driver keeps memory at its high-water mark of
 * engines alive at once), and cheap: one atomic update per load, context and release.
 */
public final class LiveNatives {

  private static final AtomicInteger ENGINES = new AtomicInteger();
  private static final AtomicInteger PEAK_ENGINES = new AtomicInteger();
  private static final AtomicInteger CONTEXTS = new AtomicInteger();

  private LiveNatives() {}

  public static void engineCreated() {
    int now = ENGINES.incrementAndGet();
    PEAK_ENGINES.accumulateAndGet(now, Math::max);
  }

  public static void engineDeleted() {
    ENGINES.decrementAndGet();
  }

  public static void contextCreated() {
    CONTEXTS.incrementAndGet();
  }

  public static void contextDeleted() {
    CONTEXTS.decrementAndGet();
  }

  /** Engines deserialized and not yet deleted. */
  public static int engines() {
    return ENGINES.get();
  }

  /** Execution contexts created and not yet deleted. */
  public static int contexts() {
    return CONTEXTS.get();
  }

  /** The most engines alive at once since the last {@link #resetPeakEngines()}. */
  public static int peakEngines() {
    return PEAK_ENGINES.get();
  }

  /** Starts a new peak from the engines alive now. */
  public static void resetPeakEngines() {
    PEAK_ENGINES.set(ENGINES.get());
  }
}
