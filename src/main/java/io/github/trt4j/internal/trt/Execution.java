package io.github.trt4j.internal.trt;

import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TrtException;
import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.LiveNatives;
import io.github.trt4j.internal.NativeBlock;
import io.github.trt4j.internal.NativeHeap;
import io.github.trt4j.internal.cuda.Driver;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;

/**
 * Owns one execution context and its non-blocking CUDA stream, and holds a reference on the engine.
 * It applies a binding (shapes and addresses, only what changed since the context last saw them)
 * and hands the launch to its {@link Launch}. Not thread-safe: the public {@code Inferer}
 * serializes calls. {@link #release()} synchronizes the stream, then deletes the context, destroys
 * the stream and drops the engine reference.
 */
public final class Execution implements OutputAllocator.Target {

  /** How the context gets its activation memory. */
  public enum Activation {
    STATIC,
    ON_PROFILE_CHANGE,
    USER_MANAGED
  }

  private final EngineHandle engine;
  private final List<TensorSpec> specs;
  private final int profile;
  private final int device;
  private final IExecutionContext context;

  /** The non-blocking stream ({@code CUstream}) and the context's device's primary context. */
  private final long stream;

  private final long cudaContext;
  private final BytePointer[] names;
  private final Dims64[] dims;

  /** Input shapes as the context has them (null: unknown), and output shapes it resolved. */
  private final Shape[] contextShapes;

  private final long[] contextAddresses;
  private final Shape[] maxShapes;
  private final int firstOutput;
  private final MemorySegment ctxScratch = Arena.ofAuto().allocate(ValueLayout.JAVA_LONG);
  private final long[] ctxOut = new long[1];
  private final Launch launch;
  private final SharedActivation shared;
  private BindingSlots applied;
  private int appliedVersion = -1;
  private boolean released;

  /** Outputs whose shape only a run gives, and the allocator TensorRT asks for their memory. */
  private final boolean[] dataDependent;

  private final OutputAllocator[] allocators;
  private final long maxOutputBytes;

  /** The binding being run (the allocators' memory is its), and why an allocator refused. */
  private BindingSlots running;

  private String allocationFailure;

  /**
   * @param shared the activation block for {@link Activation#USER_MANAGED}; null otherwise
   */
  public Execution(
      EngineHandle engine,
      List<TensorSpec> specs,
      int profile,
      boolean cudaGraph,
      Activation activation,
      SharedActivation shared) {
    this(engine, specs, profile, cudaGraph, activation, shared, DEFAULT_MAX_OUTPUT_BYTES);
  }

  /** The default of {@code maxOutputBytes}: 1 GiB. */
  public static final long DEFAULT_MAX_OUTPUT_BYTES = 1L << 30;

  /**
   * @param shared the activation block for {@link Activation#USER_MANAGED}; null otherwise
   * @param maxOutputBytes the most device memory one data-dependent output may ask for
   */
  public Execution(
      EngineHandle engine,
      List<TensorSpec> specs,
      int profile,
      boolean cudaGraph,
      Activation activation,
      SharedActivation shared,
      long maxOutputBytes) {
    engine.retain();
    IExecutionContext c = null;
    long s = 0;
    Cuda.DeviceScope scope = null;
    try {
      for (TensorSpec t : specs) {
        checkSupported(engine, t);
      }
      if (profile < 0 || profile >= Math.max(1, engine.profileCount())) {
        throw new IllegalArgumentException(
            "Optimization profile "
                + profile
                + " does not exist; the engine has "
                + engine.profileCount());
      }
      scope = Cuda.onDevice(engine.device());
      c = engine.createContext(activation.ordinal());
      s = Cuda.createStream();
      if (activation == Activation.USER_MANAGED) {
        long need = engine.engine().getDeviceMemorySizeForProfileV2(profile);
        shared.attach(c, need);
      }
      if (profile != 0
          && !c.setOptimizationProfileAsync(profile, new CUstream_st(Pointers.at(s, 0)))) {
        throw new TrtException("setOptimizationProfileAsync(" + profile + ") failed");
      }
      Cuda.synchronize(s, "selecting profile " + profile);
    } catch (RuntimeException e) {
      if (c != null) {
        NativeDelete.delete(c, NativeDelete.NO_COPY_SLOT);
      }
      Cuda.destroyStream(s);
      engine.release();
      throw e;
    } finally {
      // The caller's current context is theirs.
      if (scope != null) {
        scope.close();
      }
    }
    this.engine = engine;
    this.specs = specs;
    this.profile = profile;
    this.device = engine.device();
    this.context = c;
    this.stream = s;
    this.cudaContext = Cuda.primaryContext(engine.device());
    this.shared = shared;
    int n = specs.size();
    names = new BytePointer[n];
    dims = new Dims64[n];
    contextShapes = new Shape[n];
    contextAddresses = new long[n];
    for (TensorSpec t : specs) {
      names[t.index()] = new BytePointer(t.name());
      dims[t.index()] = new Dims64();
    }
    firstOutput = findFirstOutput(specs);
    this.maxOutputBytes = maxOutputBytes;
    dataDependent = new boolean[n];
    allocators = new OutputAllocator[n];
    String dataDependentName = null;
    for (TensorSpec t : specs) {
      if (t.dataDependent()) {
        dataDependent[t.index()] = true;
        dataDependentName = dataDependentName == null ? t.name() : dataDependentName;
      }
    }
    maxShapes = computeMaxShapes();
    launch = new Launch(context, stream, cudaGraph);
    LiveNatives.contextCreated();
    for (TensorSpec t : specs) {
      if (t.dataDependent()) {
        OutputAllocator a = new OutputAllocator(this, t.index());
        allocators[t.index()] = a;
        if (!context.setOutputAllocator(names[t.index()], a.view())) {
          release();
          throw new TrtException("setOutputAllocator failed for output '" + t.name() + "'");
        }
      }
    }
    if (cudaGraph && dataDependentName != null) {
      launch.disable(
          "output '"
              + dataDependentName
              + "' is data-dependent: TensorRT learns its shape inside enqueueV3, which waits for"
              + " the GPU and so cannot be captured",
          engine);
    }
  }

  /** Whether output {@code index}'s shape is known only after a run. */
  public boolean dataDependent(int index) {
    return dataDependent[index];
  }

  /**
   * TensorRT's upper bound, in bytes, of output {@code index} at the profile's largest input shapes
   * ({@code getMaxOutputSize}); for a data-dependent output, what device memory bound to it must
   * hold to never be refused.
   */
  public long maxOutputBytes(int index) {
    for (TensorSpec s : specs) {
      if (s.isInput()) {
        setShape(s.index(), maxShapes[s.index()]);
      }
    }
    applied = null;
    appliedVersion = -1;
    return context.getMaxOutputSize(names[index]);
  }

  // ---- OutputAllocator.Target: called from inside enqueueV3, on the thread running -----------

  @Override
  public long reallocate(int i, long bytes) {
    BindingSlots b = running;
    String name = specs.get(i).name();
    if (b == null) {
      allocationFailure = "TensorRT asked for memory for output '" + name + "' outside a run";
      return 0;
    }
    if (bytes < 0 || bytes > maxOutputBytes) {
      allocationFailure =
          "Output '"
              + name
              + "' asks for "
              + bytes
              + " bytes of device memory, more than the limit of "
              + maxOutputBytes
              + " (InfererOptions.withMaxOutputBytes)";
      return 0;
    }
    NativeBlock cur = b.device[i];
    if (cur != null && cur.bytes() >= bytes) {
      return cur.address();
    }
    if (!b.ownsDevice[i]) {
      allocationFailure =
          "Output '"
              + name
              + "' needs "
              + bytes
              + " bytes this run; the device tensor bound to it holds "
              + (cur == null ? 0 : cur.bytes())
              + " (bind one of TensorRT's upper bound, Inferer.createDeviceBuffers does)";
      return 0;
    }
    // Grow to twice the old size (within the limit), so that a growing output settles soon.
    long size = Math.min(maxOutputBytes, Math.max(bytes, cur == null ? 0 : 2 * cur.bytes()));
    // Work already queued may still use the old block.
    Cuda.synchronize(stream, "growing output '" + name + "'");
    NativeBlock grown = NativeBlock.device(device, size, "output '" + name + "'");
    b.replaceDevice(i, grown);
    // TensorRT uses the returned memory now; the next run sets it as the address explicitly.
    contextAddresses[i] = 0;
    return grown.address();
  }

  @Override
  public void shape(int i, int rank, long dims) {
    BindingSlots b = running;
    if (b == null) {
      return;
    }
    Shape now = b.shapes[i];
    boolean same = now != null && now.rank() == rank;
    for (int k = 0; same && k < rank; k++) {
      same = now.dim(k) == OutputAllocator.dim(dims, k);
    }
    if (!same) {
      long[] d = new long[rank];
      for (int k = 0; k < rank; k++) {
        d[k] = OutputAllocator.dim(dims, k);
      }
      Shape s = new Shape(d);
      b.shapes[i] = s;
      b.bytes[i] = b.types[i].bytesFor(s.elementCount());
    }
  }

  @Override
  public void failed(int i, Throwable t) {
    allocationFailure =
        "Output '" + specs.get(i).name() + "': " + t.getClass().getSimpleName() + ": " + t;
  }

  private static void checkSupported(EngineHandle engine, TensorSpec s) {
    if (s.vectorized()) {
      throw new UnsupportedOperationException(
          "Tensor '"
              + s.name()
              + "' uses the vectorized layout '"
              + s.format()
              + "'; trt4j copies linear (row-major) tensors only: rebuild without custom I/O formats");
    }
    if (!s.dataType().isSupported()) {
      throw new UnsupportedOperationException(
          "Tensor '" + s.name() + "' is " + s.dataType() + ", which trt4j cannot copy");
    }
    if (engine.isHostTensor(s.name())) {
      throw new UnsupportedOperationException(
          "Tensor '" + s.name() + "' is a host (shape) tensor; trt4j binds device tensors only");
    }
  }

  public int profile() {
    return profile;
  }

  public int device() {
    return device;
  }

  public List<TensorSpec> specs() {
    return specs;
  }

  public Launch launch() {
    return launch;
  }

  /**
   * The largest shape of each tensor in this context's profile: inputs at the profile's max,
   * outputs as TensorRT resolves them for those inputs. Bindings size their memory by these, so a
   * shape change within the profile never reallocates.
   */
  public Shape maxShape(int index) {
    return maxShapes[index];
  }

  private Shape[] computeMaxShapes() {
    Shape[] max = new Shape[specs.size()];
    boolean dynamic = false;
    for (TensorSpec s : specs) {
      if (s.isInput()) {
        ShapeRange r = s.profile(profile);
        max[s.index()] = r == null ? s.shape() : r.max();
        dynamic |= s.shape().isDynamic();
      }
    }
    if (!dynamic) {
      for (TensorSpec s : specs) {
        if (s.isOutput()) {
          max[s.index()] = s.dataDependent() ? empty(s.shape()) : s.shape();
        }
      }
      return max;
    }
    for (TensorSpec s : specs) {
      if (s.isInput()) {
        setShape(s.index(), max[s.index()]);
      }
    }
    Shape[] out = resolveOutputs();
    for (TensorSpec s : specs) {
      if (s.isOutput()) {
        max[s.index()] = s.dataDependent() ? empty(out[s.index()]) : out[s.index()];
      }
    }
    return max;
  }

  /** {@code shape} with its unknown dimensions 0: where a data-dependent output starts. */
  static Shape empty(Shape shape) {
    long[] d = shape.dims();
    for (int k = 0; k < d.length; k++) {
      d[k] = Math.max(0, d[k]);
    }
    return new Shape(d);
  }

  /**
   * Runs a binding: applies it, launches (plain or graph), and either synchronizes or records the
   * binding's completion event. Allocation-free once the binding's shapes and addresses are
   * applied. {@code timer} (bench only) records phase events; null otherwise.
   */
  public void run(BindingSlots b, boolean sync, PhaseTimer timer) {
    int st = Driver.currentContext(ctxScratch, ctxOut);
    if (st != 0) {
      throw Cuda.error(st, "cuCtxGetCurrent", "the calling thread");
    }
    long was = ctxOut[0];
    if (was != cudaContext) {
      Cuda.setContext(cudaContext);
    }
    if (shared != null) {
      shared.lock().lock();
    }
    try {
      running = b;
      allocationFailure = null;
      apply(b);
      try {
        launch.execute(b, timer, this);
      } catch (TrtException e) {
        if (allocationFailure != null) {
          throw new TrtException(allocationFailure, e);
        }
        throw e;
      }
      if (allocationFailure != null) {
        throw new TrtException(allocationFailure);
      }
      if (sync || shared != null) {
        Cuda.synchronize(stream, "inference");
      } else {
        b.doneDevice = device;
        if (b.done == 0) {
          b.done = Cuda.createEvent(false);
        }
        Cuda.record(b.done, stream, "a completion");
        b.inFlight = true;
      }
    } finally {
      running = null;
      if (shared != null) {
        shared.lock().unlock();
      }
      if (was != cudaContext) {
        Cuda.setContext(was);
      }
    }
  }

  /**
   * Waits for a binding enqueued without sync; no-op when none is in flight. Holds the slots'
   * monitor, as {@link BindingSlots#free()} does: an Inferer closed on another thread must not
   * destroy the event between the check and the wait.
   */
  public static void await(BindingSlots b) {
    synchronized (b) {
      if (!b.inFlight) {
        return;
      }
      try {
        Cuda.check(Driver.eventSynchronize(b.done), "cuEventSynchronize", "an inference");
      } finally {
        b.inFlight = false;
      }
    }
  }

  /** Whether the binding's last enqueue has finished (without waiting); see {@link #await}. */
  public static boolean poll(BindingSlots b) {
    synchronized (b) {
      if (!b.inFlight) {
        return true;
      }
      int st = Driver.eventQuery(b.done);
      if (st == Driver.ERROR_NOT_READY) {
        return false;
      }
      b.inFlight = false;
      Cuda.check(st, "cuEventQuery", "an inference");
      return true;
    }
  }

  /** Sets on the context whatever of {@code b} it does not have yet. */
  void apply(BindingSlots b) {
    if (b == applied && b.version == appliedVersion) {
      return;
    }
    appliedVersion = -1;
    boolean shapesChanged = false;
    for (int i = 0; i < b.count; i++) {
      if (b.input[i] && !b.shapes[i].equals(contextShapes[i])) {
        setShape(i, b.shapes[i]);
        shapesChanged = true;
      }
    }
    if (shapesChanged || contextShapes[firstOutput] == null) {
      Shape[] out = resolveOutputs();
      for (int i = 0; i < b.count; i++) {
        if (!b.input[i]) {
          contextShapes[i] = out[i];
        }
      }
    }
    for (int i = 0; i < b.count; i++) {
      if (!b.input[i] && !dataDependent[i] && !contextShapes[i].equals(b.shapes[i])) {
        b.shapes[i] = contextShapes[i];
        b.bytes[i] = b.types[i].bytesFor(contextShapes[i].elementCount());
        b.version++;
      }
      NativeBlock mem = b.device[i];
      if (mem == null) {
        throw new IllegalStateException("Tensor '" + b.names[i] + "' is not bound");
      }
      if (mem.bytes() < b.bytes[i] && !dataDependent[i]) {
        throw new IllegalArgumentException(
            (b.input[i] ? "Input '" : "Output '")
                + b.names[i]
                + "' needs "
                + b.bytes[i]
                + " bytes ("
                + b.types[i].displayName()
                + " "
                + b.shapes[i]
                + "); the bound device"
                + " memory holds "
                + mem.bytes());
      }
      if (mem.address() != contextAddresses[i]) {
        long mark = TrtLog.errorMark();
        // One JavaCPP view per block, made once: switching bindings allocates nothing.
        Pointer view = mem.view() instanceof Pointer p ? p : null;
        if (view == null) {
          view = Pointers.at(mem.address(), mem.bytes());
          mem.view(view);
        }
        if (!context.setTensorAddress(names[i], view)) {
          contextAddresses[i] = 0;
          throw new TrtException(
              "setTensorAddress failed for '"
                  + b.names[i]
                  + "': "
                  + TrtLog.errorsSince(mark, "no reason given"));
        }
        contextAddresses[i] = mem.address();
      }
    }
    applied = b;
    appliedVersion = b.version;
  }

  private static int findFirstOutput(List<TensorSpec> specs) {
    for (TensorSpec s : specs) {
      if (s.isOutput()) {
        return s.index();
      }
    }
    throw new IllegalStateException("The engine has no outputs");
  }

  private void setShape(int i, Shape shape) {
    Dims64 d = dims[i];
    d.nbDims(shape.rank());
    for (int k = 0; k < shape.rank(); k++) {
      d.d(k, shape.dim(k));
    }
    long mark = TrtLog.errorMark();
    if (!context.setInputShape(names[i], d)) {
      contextShapes[i] = null;
      throw new IllegalArgumentException(
          "TensorRT rejected shape "
              + shape
              + " for input '"
              + specs.get(i).name()
              + "': "
              + TrtLog.errorsSince(mark, "outside the profile?"));
    }
    contextShapes[i] = shape;
  }

  /**
   * Output shapes for the context's input shapes; commits nothing, so a failure leaves no state.
   */
  private Shape[] resolveOutputs() {
    Shape[] out = new Shape[specs.size()];
    for (TensorSpec s : specs) {
      if (s.isOutput()) {
        Dims64 d = context.getTensorShape(names[s.index()]);
        if (d.nbDims() < 0) {
          throw new IllegalStateException(
              "TensorRT could not resolve the shape of output '"
                  + s.name()
                  + "' (nbDims "
                  + d.nbDims()
                  + "): are all input shapes set?");
        }
        Shape shape = EngineHandle.toShape(d);
        if (shape.isDynamic() && !s.dataDependent()) {
          throw new UnsupportedOperationException(
              "Output '"
                  + s.name()
                  + "' has shape "
                  + shape
                  + " after all input shapes were set:"
                  + " data-dependent output shapes are not supported");
        }
        out[s.index()] = shape;
      }
    }
    return out;
  }

  /** Forgets what the context was given, so that the next run sets shapes and addresses again. */
  void invalidate() {
    applied = null;
    appliedVersion = -1;
    java.util.Arrays.fill(contextShapes, null);
    java.util.Arrays.fill(contextAddresses, 0L);
  }

  /** Idempotent; see the class comment for the order. */
  public void release() {
    if (released) {
      return;
    }
    released = true;
    long was = -1;
    try {
      was = Cuda.currentContext();
      Cuda.setContext(cudaContext);
      Cuda.synchronize(stream, "closing");
    } catch (RuntimeException ignored) {
      // A failed stream still has to be torn down.
    }
    try {
      NativeDelete.delete(context, NativeDelete.NO_COPY_SLOT);
      LiveNatives.contextDeleted();
      for (OutputAllocator a : allocators) {
        if (a != null) {
          a.close();
        }
      }
      for (BytePointer p : names) {
        p.close();
      }
      for (Dims64 d : dims) {
        d.close();
      }
      Cuda.destroyStream(stream);
      if (shared != null) {
        shared.detach();
      }
      if (!engine.release()) {
        // The context's own host memory (the engine's last release asks on its own).
        NativeHeap.trimSoon();
      }
    } finally {
      // The caller's current context is theirs (close() may run on any thread).
      if (was != -1 && was != cudaContext) {
        Cuda.setContext(was);
      }
    }
  }
}
