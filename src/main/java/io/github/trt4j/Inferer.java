package io.github.trt4j;

import io.github.trt4j.internal.Bindings;
import io.github.trt4j.internal.EngineHandle;
import io.github.trt4j.internal.Execution;
import io.github.trt4j.internal.Leaks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs an engine: owns one TensorRT execution context, a non-blocking CUDA stream, one device
 * buffer per I/O tensor ({@link #deviceBuffers()}) and one page-locked host staging buffer per I/O
 * tensor. Create it with {@link TrtEngine#createInferer()}.
 *
 * <p>Each call copies every input to the GPU with {@code cudaMemcpyAsync}, binds addresses (only
 * when one changed), runs {@code enqueueV3}, copies every output back and synchronizes the stream
 * once. Inputs are checked in Java first: unknown or missing names, data types, element counts and
 * shapes outside the optimization profile are {@link IllegalArgumentException}s that name the
 * tensor, what it needs and what it got.
 *
 * <p>Thread safety: one Inferer runs one inference at a time; concurrent calls on the same Inferer
 * wait for each other. Create one Inferer per thread to run in parallel: many Inferers on one
 * engine run concurrently.
 *
 * <p>{@link #close()} is idempotent: it waits for a running call, synchronizes the stream and
 * releases the context, the buffers and the stream. Closing the {@link TrtEngine} closes its open
 * Inferers first.
 */
public final class Inferer implements Runner {

  private final TrtEngine engine;
  private final List<TensorSpec> specs;
  private final Execution execution;
  private final Leaks.Registration registration;
  private final DeviceBuffers deviceBuffers;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile boolean closed;

  Inferer(TrtEngine engine, EngineHandle handle, List<TensorSpec> specs, int profile) {
    this.engine = engine;
    this.specs = specs;
    Execution e = new Execution(handle, specs, profile);
    this.execution = e;
    this.registration =
        Leaks.register(this, "Inferer for " + engine.source(), e::release);
    this.deviceBuffers = new DeviceBuffers(e.deviceBuffers(), this);
  }

  /**
   * The convenience path: float arrays in, float arrays out, by tensor name. Inputs of other types
   * are converted from float (integer and bool inputs take whole values only); outputs of other
   * types are converted to float. A static input needs exactly its element count; an input with
   * one dynamic dimension takes that dimension from the array's length.
   *
   * @return every output by name, in engine order
   */
  public Map<String, float[]> infer(Map<String, float[]> inputs) {
    lock.lock();
    try {
      ensureOpen();
      Map<String, Tensor> checked = Bindings.fromFloats(specs, inputs, execution.profile());
      Map<String, Tensor> out = execution.run(checked);
      Map<String, float[]> result = new LinkedHashMap<>();
      out.forEach((k, v) -> result.put(k, v.toFloats()));
      return result;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The typed path: every input as a {@link Tensor} of the engine's data type and a shape the
   * engine accepts (dynamic dimensions taken from the tensor).
   *
   * @return every output with its resolved shape, by name, in engine order
   */
  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    lock.lock();
    try {
      ensureOpen();
      Map<String, Tensor> checked = Bindings.checkInputs(specs, inputs, execution.profile());
      return execution.run(checked);
    } finally {
      lock.unlock();
    }
  }

  /** The engine this Inferer runs (as a {@link Model}). */
  @Override
  public Model model() {
    return engine;
  }

  /** The engine this Inferer runs. */
  public TrtEngine engine() {
    return engine;
  }

  /** The optimization profile this Inferer's context uses. */
  public int profile() {
    return execution.profile();
  }

  /** The device buffers this Inferer owns (valid while it is open). */
  public DeviceBuffers deviceBuffers() {
    ensureOpen();
    return deviceBuffers;
  }

  public boolean isClosed() {
    return closed;
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Inferer for " + engine.source() + " is closed");
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      registration.close();
    } finally {
      lock.unlock();
      engine.forget(this);
    }
  }
}
