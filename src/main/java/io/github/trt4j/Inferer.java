package io.github.trt4j;

import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.InputChecks;
import io.github.trt4j.internal.Leaks;
import io.github.trt4j.internal.trt.BindingSlots;
import io.github.trt4j.internal.trt.EngineHandle;
import io.github.trt4j.internal.trt.Execution;
import io.github.trt4j.internal.trt.PhaseTimer;
import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Runs an engine: owns one TensorRT execution context and a non-blocking CUDA stream. Create it
 * with {@link TrtEngine#createInferer()}.
 *
 * <p>The fast path is an {@link IoBinding} ({@link #createBinding()}): tensors bound once, then
 * {@link #run(IoBinding)} copies only host-resident tensors, sets addresses and shapes only when
 * they changed, runs {@code enqueueV3} and synchronizes once, allocating nothing on the Java heap;
 * {@link #enqueue(IoBinding)} returns before the GPU is done. {@link #run(Map)} and {@link
 * #infer(Map)} are the convenience paths on top of it: Java arrays in, new Java arrays out. Inputs
 * are checked in Java first: unknown or missing names, data types, element counts and shapes
 * outside the optimization profile are {@link IllegalArgumentException}s that name the tensor, what
 * it needs and what it got.
 *
 * <p>Thread safety: one Inferer runs one call at a time; concurrent calls wait for each other. Use
 * one Inferer per thread, or an {@link InfererPool}, to run in parallel.
 *
 * <p>Ownership: the Inferer owns its context, its stream and the bindings it created. {@link
 * #close()} is idempotent: it waits for a running call, closes its bindings (waiting for their work
 * in flight), synchronizes the stream and releases the context. Closing the {@link TrtEngine}
 * closes its open Inferers first.
 */
public final class Inferer implements Runner {

  private final TrtEngine engine;
  private final List<TensorSpec> specs;
  private final Map<String, Integer> index = new HashMap<>();
  private final Execution execution;
  private final Leaks.Registration registration;
  private final ReentrantLock lock = new ReentrantLock();
  private final Set<IoBinding> bindings = new LinkedHashSet<>();

  /** The native state of the open bindings, which the cleaner frees if this Inferer is dropped. */
  private final Set<BindingSlots> openSlots = ConcurrentHashMap.newKeySet();

  private IoBinding convenience;
  private PhaseTimer timer;
  private volatile boolean closed;

  Inferer(TrtEngine engine, EngineHandle handle, List<TensorSpec> specs, InfererOptions o) {
    this.engine = engine;
    this.specs = specs;
    for (TensorSpec s : specs) {
      index.put(s.name(), s.index());
    }
    Execution.Activation a =
        switch (o.activation()) {
          case STATIC -> Execution.Activation.STATIC;
          case ON_PROFILE_CHANGE -> Execution.Activation.ON_PROFILE_CHANGE;
          case SHARED -> Execution.Activation.USER_MANAGED;
        };
    if (o.sharedMemory() != null && o.sharedMemory().device() != handle.device()) {
      throw new IllegalArgumentException(
          "The shared activation memory is on CUDA device "
              + o.sharedMemory().device()
              + "; the engine is on device "
              + handle.device());
    }
    Execution e =
        new Execution(
            handle,
            specs,
            o.profile(),
            o.cudaGraphs(),
            a,
            o.sharedMemory() == null ? null : o.sharedMemory().shared(),
            o.maxOutputBytes());
    this.execution = e;
    this.registration =
        Leaks.register(this, "Inferer for " + engine.source(), new Release(e, openSlots));
  }

  /**
   * Releases the context (synchronizing its stream first), then the staging memory, events and
   * graphs of bindings that were not closed: an Inferer dropped unclosed takes its bindings with it
   * (they hold it, so they are unreachable too), and nothing else would free their device memory.
   * Refers to neither the Inferer nor its bindings.
   */
  private record Release(Execution execution, Set<BindingSlots> slots) implements Runnable {
    @Override
    public void run() {
      execution.release();
      for (BindingSlots s : slots) {
        s.free();
      }
      slots.clear();
    }
  }

  /**
   * Device memory for every input and output of this Inferer's engine and profile (see {@link
   * DeviceBuffers}); the caller owns it.
   *
   * @return the buffers, which the caller closes
   */
  public DeviceBuffers createDeviceBuffers() {
    ensureOpen();
    List<Shape> start = new java.util.ArrayList<>();
    List<Shape> max = new java.util.ArrayList<>();
    for (TensorSpec s : specs) {
      Shape m = execution.maxShape(s.index());
      if (s.dataDependent()) {
        // As much as TensorRT says the output can take at the profile's largest inputs.
        long upper;
        lock.lock();
        try {
          upper = Math.max(0, execution.maxOutputBytes(s.index()));
        } finally {
          lock.unlock();
        }
        max.add(Shape.of(s.dataType().elementsFor(upper)));
        start.add(m);
        continue;
      }
      max.add(m);
      ShapeRange r = s.profile(execution.profile());
      start.add(s.isInput() && s.shape().isDynamic() && r != null ? r.opt() : m);
    }
    return DeviceBuffers.allocate(execution.device(), specs, start, max);
  }

  /**
   * A binding of every tensor to {@code buffers}: runs read inputs from and write outputs to device
   * memory, with no copy. The buffers stay the caller's (close the binding first).
   *
   * @param buffers device memory from {@link #createDeviceBuffers()}
   * @return the binding, which the caller closes (or this Inferer's close does)
   */
  public IoBinding createBinding(DeviceBuffers buffers) {
    IoBinding b = createBinding();
    try {
      for (TensorSpec s : specs) {
        b.bind(s.name(), buffers.get(s.name()));
      }
    } catch (RuntimeException e) {
      b.close();
      throw e;
    }
    return b;
  }

  /**
   * {@return a new binding of every tensor to host memory this Inferer allocates (see {@link
   * IoBinding})}
   */
  public IoBinding createBinding() {
    lock.lock();
    try {
      ensureOpen();
      IoBinding b = new IoBinding(this, execution, specs);
      bindings.add(b);
      openSlots.add(b.slots());
      return b;
    } finally {
      lock.unlock();
      Reference.reachabilityFence(this);
    }
  }

  /**
   * Runs {@code binding} once and waits: copies its host inputs in, runs the engine, copies its
   * host outputs back. Allocates nothing on the Java heap once the binding is warm.
   *
   * @param binding a binding of this Inferer
   * @throws IllegalArgumentException for a binding of another Inferer
   * @throws IllegalStateException for a closed binding, Inferer or bound device tensor
   */
  public void run(IoBinding binding) {
    launch(binding, true, null);
  }

  /**
   * Starts {@code binding} and returns before the GPU is done; {@link Completion#await()} waits.
   * Fill another binding meanwhile (double buffering). With shared activation memory the work is
   * finished before this returns.
   *
   * @param binding a binding of this Inferer
   * @return the completion to await before reading the outputs
   */
  public Completion enqueue(IoBinding binding) {
    launch(binding, false, null);
    return binding.completion();
  }

  /**
   * Runs {@code binding} once, timing its phases with CUDA events (benchmarks): {@code phasesMs}
   * receives {H2D, GPU compute, D2H, GPU total} in milliseconds from the events (-1 for phases a
   * CUDA-graph replay does not separate) and, last, the host time spent enqueueing (before the
   * wait).
   *
   * @param binding a binding of this Inferer
   * @param phasesMs at least 5 elements, receiving the times in milliseconds
   */
  public void runTimed(IoBinding binding, double[] phasesMs) {
    if (phasesMs == null || phasesMs.length < 5) {
      throw new IllegalArgumentException("phasesMs needs 5 elements");
    }
    lock.lock();
    // The events are the engine device's: this thread may have no current context (the driver
    // API, unlike the runtime API, makes none implicitly), or another device's.
    try (Cuda.DeviceScope _ = Cuda.onDevice(execution.device())) {
      ensureOpen();
      if (timer == null) {
        timer = new PhaseTimer();
      }
      timer.reset();
      long t0 = System.nanoTime();
      launch(binding, false, timer);
      long t1 = System.nanoTime();
      binding.completion().await();
      timer.read(phasesMs);
      phasesMs[4] = (t1 - t0) / 1e6;
    } finally {
      lock.unlock();
    }
  }

  private void launch(IoBinding b, boolean sync, PhaseTimer t) {
    if (b == null) {
      throw new IllegalArgumentException("IoBinding is null");
    }
    lock.lock();
    try {
      ensureOpen();
      if (b.inferer() != this) {
        throw new IllegalArgumentException("This IoBinding belongs to another Inferer");
      }
      b.checkRunnable();
      execution.run(b.slots(), sync, t);
      b.afterRun();
    } finally {
      lock.unlock();
      Reference.reachabilityFence(this);
    }
  }

  /**
   * The convenience path: float arrays in, float arrays out, by tensor name. Inputs of other types
   * are converted from float (integer and bool inputs take whole values only); outputs of other
   * types are converted to float. A static input needs exactly its element count; an input with one
   * dynamic dimension takes that dimension from the array's length.
   *
   * @param inputs every input by name, row-major
   * @return every output by name, in engine order
   */
  public Map<String, float[]> infer(Map<String, float[]> inputs) {
    lock.lock();
    try {
      ensureOpen();
      Map<String, Tensor> out =
          runChecked(InputChecks.fromFloats(specs, inputs, execution.profile()));
      Map<String, float[]> result = new LinkedHashMap<>();
      out.forEach((k, v) -> result.put(k, v.toFloats()));
      return result;
    } finally {
      lock.unlock();
      Reference.reachabilityFence(this);
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
      return runChecked(InputChecks.checkInputs(specs, inputs, execution.profile()));
    } finally {
      lock.unlock();
      Reference.reachabilityFence(this);
    }
  }

  /** Runs checked inputs through this Inferer's own binding; the lock is held. */
  private Map<String, Tensor> runChecked(Map<String, Tensor> inputs) {
    if (convenience == null) {
      convenience = new IoBinding(this, execution, specs);
      bindings.add(convenience);
      openSlots.add(convenience.slots());
    }
    IoBinding b = convenience;
    for (Map.Entry<String, Tensor> e : inputs.entrySet()) {
      int i = index.get(e.getKey());
      b.hostAt(i).copyFrom(e.getValue());
      b.slots().shape(i, e.getValue().shape());
    }
    execution.run(b.slots(), true, null);
    b.afterRun();
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (TensorSpec s : specs) {
      if (s.isOutput()) {
        out.put(s.name(), b.hostAt(s.index()).toTensor());
      }
    }
    return out;
  }

  /** The engine this Inferer runs (as a {@link Model}). */
  @Override
  public Model model() {
    return engine;
  }

  /** {@return the engine this Inferer runs} */
  public TrtEngine engine() {
    return engine;
  }

  /** {@return the optimization profile this Inferer's context uses} */
  public int profile() {
    return execution.profile();
  }

  /** {@return whether CUDA graphs were asked for and capturing works for this engine} */
  public boolean cudaGraphsActive() {
    return execution.launch().graphsActive();
  }

  /** {@return why capturing a CUDA graph failed (and plain enqueues are used), or null} */
  public String cudaGraphFailure() {
    return execution.launch().graphFailure();
  }

  /**
   * {@return how many CUDA graphs this Inferer captured (one per binding, again after each change)}
   */
  public int cudaGraphCaptures() {
    return execution.launch().captures();
  }

  /** {@return whether {@link #close()} has been called} */
  public boolean isClosed() {
    return closed;
  }

  void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("Inferer for " + engine.source() + " is closed");
    }
  }

  void closeBinding(IoBinding b) {
    lock.lock();
    try {
      b.release();
      bindings.remove(b);
      openSlots.remove(b.slots());
      if (b == convenience) {
        convenience = null;
      }
    } finally {
      lock.unlock();
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
      for (IoBinding b : new ArrayList<>(bindings)) {
        b.release();
      }
      bindings.clear();
      convenience = null;
      if (timer != null) {
        try (Cuda.DeviceScope _ = Cuda.onDevice(execution.device())) {
          timer.close();
        }
        timer = null;
      }
      registration.close();
    } finally {
      lock.unlock();
      engine.forget(this);
    }
  }
}
