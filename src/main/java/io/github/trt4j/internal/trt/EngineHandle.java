package io.github.trt4j.internal.trt;

import io.github.trt4j.DataType;
import io.github.trt4j.EngineLoadException;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TrtException;
import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.LiveNatives;
import io.github.trt4j.internal.NativeHeap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.ICudaEngine;
import org.bytedeco.tensorrt.nvinfer.IExecutionContext;
import org.bytedeco.tensorrt.nvinfer.IRuntime;

/**
 * Owns a TensorRT runtime and the engine it deserialized. Reference counted: the public {@code
 * TrtEngine} holds one reference, every execution context another, and every call that reads the
 * engine holds one for its duration, so that the engine and runtime are deleted only after the last
 * context and the last call, whatever order closing, other threads or garbage collection take.
 */
public final class EngineHandle {

  private final IRuntime runtime;
  private final ICudaEngine engine;
  private final int device;
  private final AtomicInteger refs = new AtomicInteger(1);

  private EngineHandle(IRuntime runtime, ICudaEngine engine, int device) {
    this.runtime = runtime;
    this.engine = engine;
    this.device = device;
    LiveNatives.engineCreated();
  }

  /** This JVM's last load: nanoseconds in createInferRuntime and in deserializeCudaEngine. */
  private static volatile long[] lastNanos = {0, 0};

  /** The last load's split, for start-up measurements (FastPathBenchmark's steps mode). */
  public static String lastLoadTimes() {
    long[] n = lastNanos;
    return String.format(
        java.util.Locale.ROOT, "runtime_ms=%.1f deserialize_ms=%.1f", n[0] / 1e6, n[1] / 1e6);
  }

  /**
   * Deserializes {@code size} bytes at {@code data} on {@code device}.
   *
   * @throws EngineLoadException with TensorRT's reason when it refuses the plan
   */
  public static EngineHandle deserialize(long address, long size, int device, String source) {
    return deserialize(address, size, device, source, false);
  }

  /**
   * As above; {@code allowHostCode} lets TensorRT run host code the plan carries (the lean runtime
   * of a version-compatible plan).
   */
  public static EngineHandle deserialize(
      long address, long size, int device, String source, boolean allowHostCode) {
    Natives.requireDevice(device);
    Pointer data = Pointers.at(address, size);
    // The caller's current context is theirs: it is restored after the load on `device`.
    try (Cuda.DeviceScope _ = Cuda.onDevice(device)) {
      long t0 = System.nanoTime();
      IRuntime runtime;
      try (TrtLog.Capture capture = TrtLog.capture()) {
        runtime =
            Created.check(
                nvinfer.createInferRuntime(TrtLogger.get()), "createInferRuntime", capture);
      }
      if (allowHostCode) {
        runtime.setEngineHostCodeAllowed(true);
      }
      ICudaEngine engine;
      long t1 = System.nanoTime();
      try (TrtLog.Capture capture = TrtLog.capture()) {
        engine = runtime.deserializeCudaEngine(data, size);
        lastNanos = new long[] {t1 - t0, System.nanoTime() - t1};
        if (engine == null
            || engine.isNull()
            || Long.compareUnsigned(engine.address(), Created.LOWEST_OBJECT) < 0) {
          NativeDelete.delete(runtime, NativeDelete.NO_COPY_SLOT);
          throw new EngineLoadException(source, refusal(capture.errors(), describeDevice(device)));
        }
      }
      return new EngineHandle(runtime, engine, device);
    }
  }

  /** Turns TensorRT's error lines for a refused plan into a reason; names both GPUs if relevant. */
  private static String describeDevice(int device) {
    try {
      return Cuda.deviceDescription(device);
    } catch (RuntimeException e) {
      return "device " + device;
    }
  }

  static String refusal(List<String> errors, String thisGpu) {
    String said =
        errors.isEmpty()
            ? ""
            : String.join(" | ", errors.subList(Math.max(0, errors.size() - 3), errors.size()));
    String lower = said.toLowerCase(Locale.ROOT);
    if (lower.contains("incompatible device")
        || lower.contains("compute capability")
        || lower.contains("different device")
        || lower.contains("different gpu")) {
      return "built for another GPU; this GPU is " + thisGpu + ". TensorRT: " + said;
    }
    String plugin = Plugins.missingPlugin(String.join(" | ", errors));
    if (plugin != null) {
      return plugin + " TensorRT: " + said;
    }
    if (lower.contains("version")) {
      return "built with another TensorRT version. TensorRT: " + said;
    }
    return "TensorRT could not deserialize it (corrupt or truncated plan?)"
        + (said.isEmpty() ? "" : ". TensorRT: " + said);
  }

  public ICudaEngine engine() {
    return engine;
  }

  public int device() {
    return device;
  }

  /** Every I/O tensor in TensorRT's order. */
  public List<TensorSpec> readSpecs() {
    int n = engine.getNbIOTensors();
    int profiles = engine.getNbOptimizationProfiles();
    List<TensorSpec> specs = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = engine.getIOTensorName(i);
      boolean input = engine.getTensorIOMode(name).value == nvinfer.TensorIOMode.kINPUT.value;
      DataType type = DataType.fromNative(engine.getTensorDataType(name).value);
      Shape shape = toShapeOrNull(engine.getTensorShape(name));
      if (shape == null) {
        throw new TrtException("TensorRT reports no shape for tensor '" + name + "'");
      }
      List<ShapeRange> ranges = new ArrayList<>();
      if (input) {
        for (int p = 0; p < profiles; p++) {
          Shape min =
              toShapeOrNull(engine.getProfileShape(name, p, nvinfer.OptProfileSelector.kMIN));
          Shape opt =
              toShapeOrNull(engine.getProfileShape(name, p, nvinfer.OptProfileSelector.kOPT));
          Shape max =
              toShapeOrNull(engine.getProfileShape(name, p, nvinfer.OptProfileSelector.kMAX));
          if (min != null
              && opt != null
              && max != null
              && min.rank() == shape.rank()
              && !min.isDynamic()
              && !max.isDynamic()) {
            ranges.add(new ShapeRange(min, opt, max));
          }
        }
      }
      String format = engine.getTensorFormatDesc(name);
      boolean vectorized =
          engine.getTensorVectorizedDim(name) >= 0
              || engine.getTensorComponentsPerElement(name) > 1;
      specs.add(
          new TensorSpec(
              i,
              name,
              input ? TensorSpec.Direction.INPUT : TensorSpec.Direction.OUTPUT,
              type,
              shape,
              ranges,
              format,
              vectorized));
    }
    return markDataDependent(specs);
  }

  /**
   * Marks the outputs whose {@code -1} dimensions stay unknown once every input shape is set (at
   * profile 0's opt shapes), asking a context that allocates nothing. Engines whose outputs are all
   * static (most) need no context.
   */
  private List<TensorSpec> markDataDependent(List<TensorSpec> specs) {
    boolean candidates = false;
    for (TensorSpec s : specs) {
      if (s.isOutput() && s.shape().isDynamic()) {
        candidates = true;
      }
      if (s.isInput() && isHostTensor(s.name())) {
        return specs; // shape tensors: trt4j cannot run such an engine; nothing to mark
      }
    }
    if (!candidates) {
      return specs;
    }
    try (Cuda.DeviceScope _ = Cuda.onDevice(device)) {
      IExecutionContext c = createContext(2);
      try {
        for (TensorSpec s : specs) {
          if (s.isInput() && s.shape().isDynamic()) {
            ShapeRange r = s.profile(0);
            if (r == null) {
              return specs;
            }
            try (Dims64 d = toDims(r.opt())) {
              if (!c.setInputShape(s.name(), d)) {
                return specs;
              }
            }
          }
        }
        List<TensorSpec> marked = new ArrayList<>(specs.size());
        for (TensorSpec s : specs) {
          Shape resolved = s.isOutput() ? toShapeOrNull(c.getTensorShape(s.name())) : null;
          marked.add(
              resolved != null && resolved.isDynamic()
                  ? new TensorSpec(
                      s.index(),
                      s.name(),
                      s.direction(),
                      s.dataType(),
                      s.shape(),
                      s.profiles(),
                      s.format(),
                      s.vectorized(),
                      true)
                  : s);
        }
        return marked;
      } finally {
        NativeDelete.delete(c, NativeDelete.NO_COPY_SLOT);
      }
    }
  }

  public boolean isHostTensor(String name) {
    return engine.getTensorLocation(name).value == nvinfer.TensorLocation.kHOST.value;
  }

  /**
   * A shape TensorRT reported. A rank below 0 (TensorRT could not resolve it) or above 8 is not a
   * shape: it is refused here instead of becoming a scalar.
   */
  public static Shape toShape(Dims64 d) {
    Shape s = toShapeOrNull(d);
    if (s == null) {
      throw new TrtException("TensorRT reported an unresolved shape (nbDims " + d.nbDims() + ")");
    }
    return s;
  }

  /** The shape, or null when TensorRT reports none (nbDims outside 0..8). */
  static Shape toShapeOrNull(Dims64 d) {
    int rank = d.nbDims();
    if (rank < 0 || rank > 8) {
      return null;
    }
    long[] dims = new long[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = d.d(i);
    }
    return new Shape(dims);
  }

  public static Dims64 toDims(Shape s) {
    Dims64 d = new Dims64();
    d.nbDims(s.rank());
    for (int i = 0; i < s.rank(); i++) {
      d.d(i, s.dim(i));
    }
    return d;
  }

  public long deviceMemorySize() {
    return engine.getDeviceMemorySizeV2();
  }

  public int profileCount() {
    return engine.getNbOptimizationProfiles();
  }

  public int layerCount() {
    return engine.getNbLayers();
  }

  /** TensorRT's {@code HardwareCompatibilityLevel} of the plan. */
  public int hardwareCompatibility() {
    return engine.getHardwareCompatibilityLevel().value;
  }

  /**
   * Creates an execution context with TensorRT's allocation strategy {@code strategy} (0 static, 1
   * on profile change, 2 user managed); the caller must {@link #retain()} for it.
   */
  public IExecutionContext createContext(int strategy) {
    try (TrtLog.Capture capture = TrtLog.capture()) {
      IExecutionContext c = engine.createExecutionContext(strategy);
      if (c == null || c.isNull()) {
        throw new TrtException(
            "createExecutionContext failed: " + capture.summary("no device memory left?"));
      }
      return Created.check(c, "createExecutionContext", capture);
    }
  }

  /**
   * Takes one reference: an owner (the public engine, an execution context) or a call in flight. A
   * CAS loop, so that a handle whose count reached 0 (deleted or being deleted) is never revived.
   *
   * @throws IllegalStateException when the engine was already deleted
   */
  public void retain() {
    int r;
    do {
      r = refs.get();
      if (r <= 0) {
        throw new IllegalStateException("TrtEngine is closed");
      }
    } while (!refs.compareAndSet(r, r + 1));
  }

  /**
   * Drops one reference; the last one deletes the engine, then the runtime, and trims the C heap
   * ({@link NativeHeap}).
   *
   * @return whether this was the last reference
   */
  public boolean release() {
    if (refs.decrementAndGet() == 0) {
      // The last release may run on any thread (a getter, close, the cleaner): its current
      // device is put back afterwards.
      long was = -1;
      try {
        was = Cuda.currentContext();
        Cuda.setDevice(device);
      } catch (RuntimeException ignored) {
        // Deleting still works in the current context for a single-GPU process.
      }
      try {
        NativeDelete.delete(engine, NativeDelete.NO_COPY_SLOT);
        NativeDelete.delete(runtime, NativeDelete.NO_COPY_SLOT);
        LiveNatives.engineDeleted();
      } finally {
        if (was != -1) {
          Cuda.setContext(was);
        }
      }
      NativeHeap.trimSoon();
      return true;
    }
    return false;
  }
}
