package io.github.trt4j.examples.spark;

import io.github.trt4j.InfererPool;
import io.github.trt4j.Model;
import io.github.trt4j.Runner;
import io.github.trt4j.TrtEngine;
import io.github.trt4j.kserve.Runners;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Makes the runner pool of one executor JVM for one GPU. Spark ships it to executors with the task,
 * so it is serializable and small: a path or a URI, not an engine. {@link #key()} names what it
 * makes, so an executor makes each pool once ({@link ExecutorPools}).
 */
public interface PoolFactory extends Serializable {

  /** What this factory makes, the same on every executor (e.g. "engine:/m/x.engine x4"). */
  String key();

  /** Makes the pool for {@code gpu}; called once per executor JVM, GPU and key. */
  RunnerPool open(int gpu) throws Exception;

  /**
   * One engine per GPU, deserialized once, and up to {@code inferers} inferers over it (each has
   * its own execution context and stream, so tasks run concurrently on the GPU).
   */
  static PoolFactory engine(String path, int inferers) {
    return new EngineFactory(path, inferers);
  }

  /** Up to {@code runners} runners of {@code uri} ({@link Runners#open}), e.g. a Triton server. */
  static PoolFactory remote(String uri, int runners) {
    return new RemoteFactory(uri, runners);
  }

  /** See {@link #engine}. */
  record EngineFactory(String path, int inferers) implements PoolFactory {
    @Override
    public String key() {
      return "engine:" + path + " x" + inferers;
    }

    @Override
    public RunnerPool open(int gpu) throws IOException {
      TrtEngine engine = TrtEngine.load(Path.of(path), gpu);
      try {
        return new InfererPoolAdapter(engine, InfererPool.create(engine, inferers));
      } catch (RuntimeException e) {
        engine.close();
        throw e;
      }
    }
  }

  /**
   * trt4j's {@link InfererPool} as a {@link RunnerPool}: the pool is itself a thread-safe runner
   * that picks an idle Inferer per call (and gives a dynamic-shape engine's Inferers their own
   * optimization profiles when it has enough), so every borrower gets the pool itself.
   */
  record InfererPoolAdapter(TrtEngine engine, InfererPool pool) implements RunnerPool {
    @Override
    public Model model() {
      return pool.model();
    }

    @Override
    public Runner borrow() {
      if (pool.isClosed()) {
        throw new IllegalStateException("RunnerPool for " + engine.source() + " is closed");
      }
      return pool;
    }

    @Override
    public void release(Runner runner) {
      // Nothing to give back: the pool takes each Inferer back when its call returns.
    }

    @Override
    public int created() {
      return pool.size();
    }

    @Override
    public void close() {
      pool.close();
      engine.close();
    }
  }

  /** See {@link #remote}. */
  record RemoteFactory(String uri, int runners) implements PoolFactory {
    @Override
    public String key() {
      return uri + " x" + runners;
    }

    @Override
    public RunnerPool open(int gpu) throws IOException {
      Runner first = Runners.open(uri);
      boolean[] handedOut = {false};
      return new BlockingRunnerPool(
          first.model(),
          runners,
          () -> {
            synchronized (handedOut) {
              if (!handedOut[0]) {
                handedOut[0] = true;
                return first;
              }
            }
            try {
              return Runners.open(uri);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          },
          () -> {});
    }
  }
}
