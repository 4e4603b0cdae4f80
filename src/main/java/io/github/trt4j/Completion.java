package io.github.trt4j;

import io.github.trt4j.internal.trt.Execution;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The result of {@link Inferer#enqueue(IoBinding)}: the GPU is still copying and computing when
 * enqueue returns, so the caller can prepare the next input (in another binding) meanwhile. {@link
 * #await()} blocks until the binding's outputs are in place. One Completion belongs to each binding
 * and is reused by every enqueue, so enqueueing allocates nothing.
 */
public final class Completion {

  private final IoBinding binding;

  Completion(IoBinding binding) {
    this.binding = binding;
  }

  /** {@return the binding whose outputs this completion makes ready} */
  public IoBinding binding() {
    return binding;
  }

  /** {@return whether no enqueue of the binding is in flight any more (without waiting)} */
  public boolean isDone() {
    return Execution.poll(binding.slots());
  }

  /**
   * Waits until the GPU has finished the binding's last enqueue (its outputs are readable).
   *
   * @return the binding, for chaining
   * @throws CudaException when the GPU work failed
   */
  public IoBinding await() {
    Execution.await(binding.slots());
    return binding;
  }

  /**
   * A future completed, on {@code executor}, when {@link #await()} returns (allocates).
   *
   * @param executor where the future is completed
   * @return the future, completed with the binding
   */
  public CompletableFuture<IoBinding> toFuture(Executor executor) {
    return CompletableFuture.supplyAsync(this::await, executor);
  }
}
