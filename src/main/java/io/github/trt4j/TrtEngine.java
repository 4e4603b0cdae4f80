package io.github.trt4j;

import io.github.trt4j.internal.Leaks;
import io.github.trt4j.internal.trt.EngineHandle;
import io.github.trt4j.internal.trt.Natives;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * A deserialized TensorRT engine on one CUDA device: owns the TensorRT runtime and the engine.
 *
 * <pre>{@code
 * try (TrtEngine engine = TrtEngine.load(Path.of("model.engine"));
 *      Inferer inferer = engine.createInferer()) {
 *   System.out.println(engine.describe());
 *   Map<String, float[]> out = inferer.infer(Map.of("input", pixels));
 * }
 * }</pre>
 *
 * <p>Loading checks the plan header in Java first (empty, truncated, not a plan, or built by
 * another TensorRT version: {@link EngineLoadException}), then deserializes; TensorRT's own reason
 * for refusing a plan is in the exception.
 *
 * <p>Thread safety: the engine's accessors are safe from any thread; create one {@link Inferer} per
 * thread. {@link #close()} is idempotent: it closes the engine's open Inferers, then deletes the
 * engine and the runtime (a context still held by an unclosed, unreachable Inferer keeps the engine
 * alive until the cleaner releases it).
 */
public final class TrtEngine implements Model, AutoCloseable {

  private final String source;
  private final EngineHandle handle;
  private final List<TensorSpec> tensors;
  private final PlanHeader header;
  private final Leaks.Registration registration;
  private final Set<Inferer> inferers =
      Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));
  private final Object lifecycle = new Object();
  private volatile boolean closed;

  private TrtEngine(String source, EngineHandle handle, PlanHeader header) {
    this.source = source;
    this.handle = handle;
    this.header = header;
    this.tensors = List.copyOf(handle.readSpecs());
    this.registration = Leaks.register(this, "TrtEngine for " + source, handle::release);
  }

  /**
   * Loads a serialized engine onto CUDA device 0 (its digest checked when it has one).
   *
   * @param file the plan file
   * @return the engine, which the caller closes
   * @throws IOException if the file is missing or unreadable (the message names it)
   */
  public static TrtEngine load(Path file) throws IOException {
    return load(file, LoadOptions.defaults());
  }

  /**
   * Loads a serialized engine onto CUDA device {@code device} (digest checked when present).
   *
   * @param file the plan file
   * @param device the CUDA device index
   * @return the engine, which the caller closes
   * @throws IOException if the file is missing or unreadable (the message names it)
   */
  public static TrtEngine load(Path file, int device) throws IOException {
    return load(file, LoadOptions.defaults().device(device));
  }

  /**
   * Loads a serialized engine. The file is memory-mapped, not copied onto the Java heap. When a
   * {@link PlanDigest} file ({@code NAME.sha256}) lies beside it, or {@code options} require one,
   * the mapped bytes are hashed and compared before TensorRT sees them.
   *
   * @param file the plan file
   * @param options the device and whether a digest file is required
   * @return the engine, which the caller closes
   * @throws IOException if the file is missing or unreadable (the message names it)
   * @throws EngineLoadException if its digest does not match (naming both digests), its digest file
   *     is malformed or required but missing, or it is not a plan the loaded TensorRT can load on
   *     this GPU (another version, another GPU, a plugin that is not registered)
   * @throws CudaUnavailableException if there is no driver, GPU or CUDA/TensorRT library
   */
  public static TrtEngine load(Path file, LoadOptions options) throws IOException {
    String source = file.toString();
    // The driver and TensorRT start on threads of their own while the plan is read and hashed.
    Natives.Startup natives = Natives.begin(options.device());
    PlanDigest.requireRegularFile(file, "engine");
    java.util.Optional<String> recorded = PlanDigest.read(file);
    if (recorded.isEmpty() && options.requireDigest()) {
      throw new EngineLoadException(
          source,
          "no digest file "
              + PlanDigest.digestFile(file)
              + " and the load options require one (write it with 'trt4j verify --write-digest')");
    }
    try (Arena arena = Arena.ofConfined();
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      MemorySegment plan =
          size == 0 ? MemorySegment.NULL : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
      if (recorded.isPresent()) {
        // Hash the very mapping TensorRT will read, so a rename over the file cannot slip in
        // between.
        PlanDigest.requireMatch(
            file,
            recorded.get(),
            size == 0 ? PlanDigest.sha256(new byte[0]) : PlanDigest.sha256(plan));
      }
      PlanHeader.parse(source, plan, size);
      natives.join();
      io.github.trt4j.internal.trt.Plugins.ensure(
          options.standardPlugins(), options.pluginLibraries());
      return deserialize(source, plan, size, options.device(), options.allowHostCode());
    }
  }

  /**
   * Loads a serialized engine held in memory onto CUDA device 0.
   *
   * @param plan the serialized engine
   * @return the engine, which the caller closes
   */
  public static TrtEngine load(byte[] plan) {
    return load(plan, 0);
  }

  /**
   * Loads a serialized engine held in memory onto CUDA device {@code device}.
   *
   * @param plan the serialized engine
   * @param device the CUDA device index
   * @return the engine, which the caller closes
   */
  public static TrtEngine load(byte[] plan, int device) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment seg = arena.allocate(Math.max(1, plan.length));
      MemorySegment.copy(MemorySegment.ofArray(plan), 0, seg, 0, plan.length);
      return deserialize("<" + plan.length + " bytes>", seg, plan.length, device);
    }
  }

  private static TrtEngine deserialize(String source, MemorySegment plan, long size, int device) {
    return deserialize(source, plan, size, device, false);
  }

  private static TrtEngine deserialize(
      String source, MemorySegment plan, long size, int device, boolean allowHostCode) {
    PlanHeader header = PlanHeader.parse(source, plan, size);
    Natives.requireDevice(device);
    Natives.Library lib = Natives.load();
    // A version-compatible plan (host code allowed) may come from an earlier release of the
    // major: TensorRT decides. Otherwise the versions must match exactly.
    if (!(allowHostCode
        && header.major() == lib.version() / 10000
        && header.compareTo(lib.version()) <= 0)) {
      header.requireCompatible(source, lib.version(), lib.where());
    }
    header.requireComplete(source, size);
    EngineHandle h = EngineHandle.deserialize(plan.address(), size, device, source, allowHostCode);
    try {
      return new TrtEngine(source, h, header);
    } catch (RuntimeException e) {
      h.release();
      throw e;
    }
  }

  /** The engine's source: its path, or {@code <N bytes>}. */
  @Override
  public String name() {
    return source;
  }

  /** Every I/O tensor, in TensorRT's order. */
  @Override
  public List<TensorSpec> tensors() {
    return tensors;
  }

  /**
   * {@return a table of the I/O tensors: index, name, dims joined by {@code x}, direction, data
   * type}
   */
  public String describe() {
    return describe(tensors);
  }

  /**
   * The {@link #describe()} table for any list of tensors.
   *
   * @param tensors the tensors to list
   * @return the table, one line per tensor after a header line
   */
  public static String describe(List<TensorSpec> tensors) {
    int nameWidth = "name".length();
    int shapeWidth = "shape".length();
    for (TensorSpec t : tensors) {
      nameWidth = Math.max(nameWidth, t.name().length());
      shapeWidth = Math.max(shapeWidth, t.shape().joined().length());
    }
    String row = "%-5s  %-" + nameWidth + "s  %-" + shapeWidth + "s  %-6s  %s%s%n";
    StringBuilder b = new StringBuilder();
    b.append(String.format(row, "index", "name", "shape", "io", "dtype", ""));
    boolean anyDataDependent = false;
    for (TensorSpec t : tensors) {
      anyDataDependent |= t.dataDependent();
      b.append(
          String.format(
              row,
              t.index(),
              t.name(),
              t.shape().joined(),
              t.direction().label(),
              t.dataType().displayName(),
              t.dataDependent() ? "  data-dependent shape" : ""));
    }
    if (anyDataDependent) {
      b.append(
          "(-1 in a data-dependent shape: known only after a run, which reports it; see"
              + " IoBinding.shape)\n");
    }
    return b.toString();
  }

  /** {@return an Inferer on optimization profile 0} */
  public Inferer createInferer() {
    return createInferer(InfererOptions.defaults());
  }

  /**
   * An Inferer whose context uses optimization profile {@code profile}.
   *
   * @param profile the optimization profile's index
   * @return the Inferer, which the caller closes (or the engine's close does)
   */
  public Inferer createInferer(int profile) {
    return createInferer(InfererOptions.defaults().withProfile(profile));
  }

  /**
   * An Inferer set up by {@code options} (profile, CUDA graphs, activation memory). Registered
   * under the same lock that {@link #close()} takes, so an Inferer is never created for an engine
   * that is closing.
   *
   * @param options the profile, CUDA graph and activation memory settings
   * @return the Inferer, which the caller closes (or the engine's close does)
   */
  public Inferer createInferer(InfererOptions options) {
    synchronized (lifecycle) {
      ensureOpen();
      Inferer i = new Inferer(this, handle, tensors, options);
      inferers.add(i);
      return i;
    }
  }

  /**
   * Device memory for the activations of Inferers of this engine that never run at the same time,
   * sized for its largest profile ({@link InfererOptions#withSharedMemory}).
   *
   * @return the memory, which the caller closes after the Inferers that share it
   */
  public ActivationMemory createActivationMemory() {
    return ActivationMemory.allocate(device(), deviceMemorySize());
  }

  void forget(Inferer i) {
    inferers.remove(i);
  }

  /** {@return where the engine came from: its path, or {@code <N bytes>}} */
  public String source() {
    return source;
  }

  /** {@return the CUDA device the engine lives on} */
  public int device() {
    return handle.device();
  }

  /** {@return the plan's header: the TensorRT version that built it} */
  public PlanHeader planHeader() {
    return header;
  }

  /** {@return device memory one execution context needs for activations (all profiles)} */
  public long deviceMemorySize() {
    enter();
    try {
      return handle.deviceMemorySize();
    } finally {
      exit();
    }
  }

  /** {@return the number of optimization profiles} */
  public int profileCount() {
    enter();
    try {
      return handle.profileCount();
    } finally {
      exit();
    }
  }

  /**
   * The GPUs the plan runs on besides the building GPU's kind, as trtexec spells it.
   *
   * @return {@code none}, {@code ampere+} or {@code same-compute-capability} (see {@link
   *     HardwareCompatibility})
   */
  public String hardwareCompatibility() {
    enter();
    try {
      return HardwareCompatibility.describe(handle.hardwareCompatibility());
    } finally {
      exit();
    }
  }

  /** {@return the number of layers TensorRT kept in the engine} */
  public int layerCount() {
    enter();
    try {
      return handle.layerCount();
    } finally {
      exit();
    }
  }

  /**
   * Holds the native engine for one call: a reference that a concurrent {@link #close()} or the
   * cleaner cannot take away, so the engine is deleted only after the call.
   */
  private void enter() {
    ensureOpen();
    try {
      handle.retain();
    } catch (IllegalStateException e) {
      throw new IllegalStateException("TrtEngine for " + source + " is closed", e);
    }
  }

  private void exit() {
    handle.release();
    // Keeps this object (and so its cleaner) alive until the native call has returned.
    Reference.reachabilityFence(this);
  }

  /**
   * {@return the loaded TensorRT library's version, e.g. {@code 10.6.0} (loads TensorRT if needed)}
   */
  public static String tensorRtVersion() {
    return PlanHeader.versionString(Natives.tensorRtVersion());
  }

  /**
   * The TensorRT library trt4j runs on (loading it if needed: see {@link NativeRuntime} for the
   * search order) and the driver's CUDA version.
   *
   * @return the loaded TensorRT (version, file, how it was found) and the driver's CUDA version
   * @throws CudaUnavailableException when no usable TensorRT of this build's major is found
   */
  public static NativeRuntime runtime() {
    Natives.Library l = Natives.load();
    int d = io.github.trt4j.internal.Cuda.driverVersion();
    return new NativeRuntime(
        l.versionString(),
        l.path(),
        l.source().label(),
        Natives.lineMajor(),
        d < 0 ? null : io.github.trt4j.internal.Cuda.versionString(d));
  }

  /** {@return whether {@link #close()} has been called} */
  public boolean isClosed() {
    return closed;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("TrtEngine for " + source + " is closed");
    }
  }

  @Override
  public void close() {
    List<Inferer> open;
    synchronized (lifecycle) {
      if (closed) {
        return;
      }
      closed = true;
      synchronized (inferers) {
        open = new ArrayList<>(inferers);
      }
    }
    for (Inferer i : open) {
      i.close();
    }
    registration.close();
  }

  @Override
  public String toString() {
    return "TrtEngine[" + source + ", " + tensors.size() + " tensors]";
  }
}
