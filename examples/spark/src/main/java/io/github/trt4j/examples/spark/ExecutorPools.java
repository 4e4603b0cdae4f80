package io.github.trt4j.examples.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The runner pools of this JVM (a Spark executor, or the driver in local mode), one per factory key
 * and GPU, made on first use and kept until the JVM exits: engines are expensive to load and an
 * executor runs many tasks, so they outlive any one task.
 */
public final class ExecutorPools {

  private static final Map<String, RunnerPool> POOLS = new ConcurrentHashMap<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ExecutorPools::closeAll, "trt4j-pools-close"));
  }

  private ExecutorPools() {}

  /** The pool of {@code factory} on {@code gpu}, made once per JVM. */
  public static RunnerPool get(PoolFactory factory, int gpu) {
    return POOLS.computeIfAbsent(
        factory.key() + " @gpu" + gpu,
        k -> {
          try {
            return factory.open(gpu);
          } catch (Exception e) {
            throw new IllegalStateException(
                "Cannot open " + factory.key() + " on GPU " + gpu + ": " + e.getMessage(), e);
          }
        });
  }

  /** How many pools this JVM holds. */
  public static int count() {
    return POOLS.size();
  }

  /** Closes and forgets every pool (tests; the shutdown hook). */
  public static synchronized void closeAll() {
    for (RunnerPool p : POOLS.values()) {
      try {
        p.close();
      } catch (RuntimeException e) {
        System.err.println("trt4j: closing " + p.model().name() + " failed: " + e);
      }
    }
    POOLS.clear();
  }
}
