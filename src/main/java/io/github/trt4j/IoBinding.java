package io.github.trt4j;

import io.github.trt4j.internal.InputChecks;
import io.github.trt4j.internal.Leaks;
import io.github.trt4j.internal.NativeBlock;
import io.github.trt4j.internal.trt.BindingSlots;
import io.github.trt4j.internal.trt.Execution;
import java.util.List;

/**
 * Every I/O tensor of an engine bound once, for many runs: {@link Inferer#run(IoBinding)} then
 * copies only what lives on the host, sets addresses and shapes only when they changed, enqueues,
 * and synchronizes once, creating no Java objects. Make one with {@link Inferer#createBinding()}.
 *
 * <p>Every tensor starts host-bound: trt4j allocates page-locked memory for it (the largest shape
 * of the Inferer's optimization profile) and a device buffer to stage it; fill inputs in place
 * through {@link #input(String)} and read outputs through {@link #output(String)}. {@link
 * #bind(String, DeviceTensor)} puts a tensor on the GPU instead: TensorRT reads or writes that
 * memory directly and nothing is copied. Dynamic inputs start at the profile's opt shape; {@link
 * #shape(String, Shape)} changes it (checked against the profile).
 *
 * <pre>{@code
 * try (IoBinding b = inferer.createBinding()) {
 *   FloatBuffer eye = b.input("__eye").floats();
 *   for (...) {
 *     eye.put(0, pixels);                  // fill in place
 *     inferer.run(b);                      // H2D, enqueueV3, D2H, one sync; 0 bytes allocated
 *     b.output("landmarks").floats().get(0, landmarks);
 *   }
 * }
 * }</pre>
 *
 * <p>Ownership: the binding owns the host tensors and staging buffers it allocated and frees them
 * on {@link #close()} (after waiting for a run in flight); bound {@link DeviceTensor}s stay the
 * caller's. Closing the Inferer closes its bindings. Not thread-safe: one thread uses a binding at
 * a time, and a binding must not be changed while a run that uses it is in flight.
 */
public final class IoBinding implements AutoCloseable {

  private final Inferer inferer;
  private final Execution execution;
  private final List<TensorSpec> specs;

  /**
   * Name lookups without iterators, so that {@code input(name)} in a hot loop allocates nothing.
   */
  private final java.util.Map<String, TensorSpec> byName = new java.util.HashMap<>();

  private final BindingSlots slots;
  private final HostTensor[] hostTensors;
  private final DeviceTensor[] deviceTensors;
  private final Completion completion;
  private final Leaks.Registration registration;
  private volatile boolean closed;

  IoBinding(Inferer inferer, Execution execution, List<TensorSpec> specs) {
    this.inferer = inferer;
    this.execution = execution;
    this.specs = specs;
    for (TensorSpec s : specs) {
      byName.put(s.name(), s);
    }
    this.slots = new BindingSlots(specs);
    this.hostTensors = new HostTensor[specs.size()];
    this.deviceTensors = new DeviceTensor[specs.size()];
    this.completion = new Completion(this);
    // The safety net frees the staging buffers, graph and event; the host tensors have their own.
    this.registration =
        Leaks.register(this, "IoBinding of " + inferer.engine().source(), slots::free);
    slots.hostGrowth(this::growHost);
    try {
      for (TensorSpec s : specs) {
        if (s.isInput()) {
          slots.shape(s.index(), startShape(s));
        } else if (s.dataDependent()) {
          // Empty until a run reports its shape.
          slots.shape(s.index(), execution.maxShape(s.index()));
        }
        bindHostMemory(s.index());
      }
    } catch (RuntimeException e) {
      release();
      throw e;
    }
  }

  private Shape startShape(TensorSpec s) {
    if (!s.shape().isDynamic()) {
      return s.shape();
    }
    ShapeRange r = s.profile(execution.profile());
    if (r == null) {
      throw new IllegalStateException(
          "Input '"
              + s.name()
              + "' is dynamic "
              + s.shape()
              + " but optimization profile "
              + execution.profile()
              + " gives it no range");
    }
    return r.opt();
  }

  private void bindHostMemory(int i) {
    TensorSpec s = specs.get(i);
    Shape max = execution.maxShape(i);
    Shape now = s.isInput() ? slots.shape(i) : max;
    HostTensor h = new HostTensor(s.dataType(), max, now, true);
    NativeBlock staging;
    try {
      staging =
          NativeBlock.device(
              execution.device(), h.capacity(), "staging buffer of '" + s.name() + "'");
    } catch (RuntimeException e) {
      h.release();
      throw e;
    }
    if (hostTensors[i] != null) {
      hostTensors[i].release();
    }
    hostTensors[i] = h;
    deviceTensors[i] = null;
    slots.bindHost(i, h.block(), staging);
  }

  /**
   * Gives data-dependent output {@code i} host memory for at least {@code bytes}, twice its old
   * capacity or more, replacing (and closing) its old host tensor. Called inside a run, after
   * TensorRT reported the output's shape and before the copy back.
   */
  private NativeBlock growHost(int i, long bytes) {
    TensorSpec s = specs.get(i);
    HostTensor old = hostTensors[i];
    long twiceOld = old == null ? 0 : 2 * old.capacity() / Math.max(1, s.dataType().bytesFor(1));
    long elements = Math.max(s.dataType().elementsFor(bytes), twiceOld);
    HostTensor h = new HostTensor(s.dataType(), Shape.of(elements), Shape.of(0), true);
    if (old != null) {
      old.release();
    }
    hostTensors[i] = h;
    return h.block();
  }

  /** {@return the Inferer this binding runs on} */
  public Inferer inferer() {
    return inferer;
  }

  /**
   * The host memory of input {@code name}, to fill in place before a run.
   *
   * @param name the input's name
   * @return its host memory, valid until the binding closes
   * @throws IllegalArgumentException for an unknown name or an output
   * @throws IllegalStateException when the input is bound to a {@link DeviceTensor}
   */
  public HostTensor input(String name) {
    return host(name, true);
  }

  /**
   * The host memory of output {@code name}, holding the last run's result.
   *
   * @param name the output's name
   * @return its host memory, valid until the binding closes
   * @throws IllegalArgumentException for an unknown name or an input
   * @throws IllegalStateException when the output is bound to a {@link DeviceTensor}
   */
  public HostTensor output(String name) {
    return host(name, false);
  }

  private HostTensor host(String name, boolean input) {
    ensureOpen();
    TensorSpec s = spec(name);
    if (s.isInput() != input) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' is an "
              + s.direction().label()
              + ", not an "
              + (input ? "input" : "output")
              + "; "
              + names(input));
    }
    HostTensor h = hostTensors[s.index()];
    if (h == null) {
      throw new IllegalStateException(
          "'"
              + name
              + "' is bound to device memory ("
              + deviceTensors[s.index()]
              + "); bindHost(\""
              + name
              + "\") to use host memory again");
    }
    return h;
  }

  /**
   * Binds {@code name} to device memory: TensorRT reads the input from it or writes the output into
   * it, with no copy. An input takes the tensor's shape.
   *
   * @param name the tensor's name
   * @param tensor device memory of the tensor's type on this Inferer's device
   * @return this binding
   * @throws IllegalArgumentException for a wrong name, data type, device, shape or a closed tensor
   */
  public IoBinding bind(String name, DeviceTensor tensor) {
    ensureNotRunning();
    TensorSpec s = spec(name);
    if (tensor == null) {
      throw new IllegalArgumentException("Device tensor for '" + name + "' is null");
    }
    if (tensor.isClosed()) {
      throw new IllegalArgumentException("Device tensor for '" + name + "' is closed");
    }
    if (tensor.dataType() != s.dataType()) {
      throw new IllegalArgumentException(
          (s.isInput() ? "Input '" : "Output '")
              + name
              + "' is "
              + s.dataType().displayName()
              + "; got a "
              + tensor.dataType().displayName()
              + " device tensor");
    }
    if (tensor.device() != execution.device()) {
      throw new IllegalArgumentException(
          "'"
              + name
              + "' runs on CUDA device "
              + execution.device()
              + "; the device tensor is on device "
              + tensor.device());
    }
    if (s.isInput()) {
      InputChecks.checkShape(s, tensor.shape(), execution.profile());
    } else {
      long need = s.dataType().bytesFor(execution.maxShape(s.index()).elementCount());
      if (tensor.capacity() < need) {
        throw new IllegalArgumentException(
            "Output '"
                + name
                + "' can need "
                + need
                + " bytes ("
                + s.dataType().displayName()
                + " "
                + execution.maxShape(s.index())
                + " at the profile's"
                + " largest shapes); the device tensor holds "
                + tensor.capacity());
      }
    }
    int i = s.index();
    if (hostTensors[i] != null) {
      hostTensors[i].release();
      hostTensors[i] = null;
    }
    deviceTensors[i] = tensor;
    slots.bindDevice(i, tensor.block());
    if (s.isInput()) {
      slots.shape(i, tensor.shape());
    }
    return this;
  }

  /**
   * Puts {@code name} back in host memory that this binding allocates.
   *
   * @param name the tensor's name
   * @return this binding
   */
  public IoBinding bindHost(String name) {
    ensureNotRunning();
    TensorSpec s = spec(name);
    if (hostTensors[s.index()] == null) {
      bindHostMemory(s.index());
    }
    return this;
  }

  /**
   * Sets the shape of a dynamic input for the next runs.
   *
   * @param name the input's name
   * @param shape a concrete shape within the input's profile
   * @return this binding
   * @throws IllegalArgumentException naming the input when the shape is outside its profile
   */
  public IoBinding shape(String name, Shape shape) {
    ensureNotRunning();
    TensorSpec s = spec(name);
    if (!s.isInput()) {
      throw new IllegalArgumentException(
          "'" + name + "' is an output; its shape follows from the" + " inputs; " + names(true));
    }
    InputChecks.checkShape(s, shape, execution.profile());
    int i = s.index();
    if (hostTensors[i] != null) {
      hostTensors[i].shape(shape);
    } else {
      deviceTensors[i].reshape(shape);
    }
    slots.shape(i, shape);
    return this;
  }

  /**
   * The current shape of {@code name} (an output's as of the last run).
   *
   * @param name the tensor's name
   * @return its shape
   */
  public Shape shape(String name) {
    ensureOpen();
    return slots.shape(spec(name).index());
  }

  /** {@return the pending or finished result of the last {@link Inferer#enqueue(IoBinding)}} */
  public Completion completion() {
    return completion;
  }

  /** Host tensor {@code i} (the Inferer's convenience path; host-bound by construction). */
  HostTensor hostAt(int i) {
    return hostTensors[i];
  }

  BindingSlots slots() {
    return slots;
  }

  Execution execution() {
    return execution;
  }

  /** Called with the Inferer's lock held, before a run: everything bound is usable. */
  void checkRunnable() {
    if (closed) {
      throw new IllegalStateException("IoBinding is closed");
    }
    if (slots.inFlight()) {
      throw new IllegalStateException(
          "This binding's last enqueue is still in flight; await() it"
              + " before running it again");
    }
    for (int i = 0; i < deviceTensors.length; i++) {
      DeviceTensor d = deviceTensors[i];
      if (d != null && d.isClosed()) {
        throw new IllegalStateException(
            "The device tensor bound to '" + slots.name(i) + "' was closed");
      }
    }
  }

  /** After a run: host outputs and device outputs take the shapes TensorRT produced. */
  void afterRun() {
    for (int i = 0; i < hostTensors.length; i++) {
      if (!slots.isInput(i)) {
        Shape s = slots.shape(i);
        if (hostTensors[i] != null) {
          if (hostTensors[i].shape() != s) {
            hostTensors[i].shape(s);
          }
        } else if (deviceTensors[i].shape() != s) {
          deviceTensors[i].reshape(s);
        }
      }
    }
  }

  private TensorSpec spec(String name) {
    TensorSpec s = name == null ? null : byName.get(name);
    if (s != null) {
      return s;
    }
    throw new IllegalArgumentException(
        "Unknown tensor '"
            + name
            + "'; inputs are "
            + names(true)
            + ", outputs are "
            + names(false));
  }

  private List<String> names(boolean inputs) {
    return specs.stream().filter(s -> s.isInput() == inputs).map(TensorSpec::name).toList();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("IoBinding is closed");
    }
  }

  private void ensureNotRunning() {
    ensureOpen();
    if (slots.inFlight()) {
      throw new IllegalStateException(
          "This binding's last enqueue is still in flight; await() it" + " before changing it");
    }
  }

  /** {@return whether {@link #close()} has been called} */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Waits for a run in flight, then frees the host tensors and staging buffers this binding
   * allocated. Idempotent; bound device tensors are not closed.
   */
  @Override
  public void close() {
    inferer.closeBinding(this);
  }

  /** Frees everything; the Inferer calls this with its lock held. */
  void release() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Execution.await(slots);
    } catch (RuntimeException ignored) {
      // The memory is freed anyway.
    }
    for (int i = 0; i < hostTensors.length; i++) {
      if (hostTensors[i] != null) {
        hostTensors[i].release();
      }
    }
    registration.close();
  }
}
