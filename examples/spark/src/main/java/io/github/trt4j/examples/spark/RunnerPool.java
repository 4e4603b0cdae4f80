package io.github.trt4j.examples.spark;

import io.github.trt4j.Model;
import io.github.trt4j.Runner;

/**
 * Runners to borrow: a task borrows one per batch and gives it back, so the tasks of an executor
 * share a few inferers (each owns GPU memory) instead of one each. Engines use trt4j's own {@code
 * InfererPool} ({@link PoolFactory.InfererPoolAdapter}); remote runners use {@link
 * BlockingRunnerPool}.
 */
public interface RunnerPool extends AutoCloseable {

  /** The model every runner of the pool runs. */
  Model model();

  /** A runner for this thread's exclusive use until {@link #release}; waits while all are busy. */
  Runner borrow() throws InterruptedException;

  void release(Runner runner);

  /** How many runners the pool has created (at most its size). */
  int created();

  @Override
  void close();
}
