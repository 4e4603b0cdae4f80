package io.github.trt4j.examples.spark;

import io.github.trt4j.Model;
import io.github.trt4j.Runner;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Supplier;

/**
 * Up to {@code size} runners, made on first need by {@code make} and handed out one borrower at a
 * time. Thread-safe. {@link #close()} closes every runner made, and then whatever {@code onClose}
 * releases (e.g. the engine the runners share).
 */
public final class BlockingRunnerPool implements RunnerPool {

  private final Model model;
  private final int size;
  private final Supplier<Runner> make;
  private final AutoCloseable onClose;
  private final BlockingQueue<Runner> idle;
  private final List<Runner> all = new ArrayList<>();
  private boolean closed;

  public BlockingRunnerPool(Model model, int size, Supplier<Runner> make, AutoCloseable onClose) {
    if (size < 1) {
      throw new IllegalArgumentException("pool size must be >= 1; got " + size);
    }
    this.model = model;
    this.size = size;
    this.make = make;
    this.onClose = onClose;
    this.idle = new ArrayBlockingQueue<>(size);
  }

  @Override
  public Model model() {
    return model;
  }

  @Override
  public Runner borrow() throws InterruptedException {
    Runner r = idle.poll();
    if (r != null) {
      return r;
    }
    synchronized (this) {
      if (closed) {
        throw new IllegalStateException("RunnerPool for " + model.name() + " is closed");
      }
      if (all.size() < size) {
        Runner made = make.get();
        all.add(made);
        return made;
      }
    }
    return idle.take();
  }

  @Override
  public void release(Runner runner) {
    if (!idle.offer(runner)) {
      throw new IllegalStateException("released more runners than the pool holds");
    }
  }

  @Override
  public synchronized int created() {
    return all.size();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (Runner r : all) {
      r.close();
    }
    try {
      onClose.close();
    } catch (Exception e) {
      throw new IllegalStateException("closing the pool's resources failed for " + model.name(), e);
    }
  }
}
