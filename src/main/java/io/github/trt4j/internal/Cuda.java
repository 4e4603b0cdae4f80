package io.github.trt4j.internal;

import io.github.trt4j.CudaException;
import io.github.trt4j.CudaUnavailableException;
import io.github.trt4j.internal.cuda.Driver;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The one funnel for CUDA calls, all through the driver API ({@link Driver}): every status goes
 * through {@link #check}. Each device is used through its primary context (the one the CUDA runtime
 * inside TensorRT uses too), retained once and made current per thread; {@link #onDevice} scopes
 * restore the caller's context afterwards. Handles and device addresses are {@code long}s.
 */
public final class Cuda {

  private Cuda() {}

  private static final Object LOCK = new Object();
  private static volatile long[] primary;
  private static volatile CudaUnavailableException initFailure;

  /** Throws a {@link CudaException} naming the call and what it was for unless status is 0. */
  public static void check(int status, String call, String what) {
    if (status != Driver.SUCCESS) {
      throw error(status, call, what);
    }
  }

  public static CudaException error(int status, String call, String what) {
    String name = Driver.errorName(status);
    return new CudaException(
        call + " failed for " + what + ": " + name + " (" + Driver.errorString(status) + ")",
        status,
        name);
  }

  public static String errorName(int status) {
    return Driver.errorName(status);
  }

  // ---- the driver and its devices -------------------------------------------------------------

  /**
   * Initializes the driver once and checks that device {@code device} exists.
   *
   * @throws CudaUnavailableException naming what is missing: the driver, a new enough one, a GPU
   */
  public static void requireDevice(int device) {
    if (device < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0; got " + device);
    }
    long[] p = primaryContexts();
    if (device >= p.length) {
      throw new CudaUnavailableException(
          "CUDA device " + device + " does not exist: this machine has " + p.length + " device(s)");
    }
  }

  /** The number of CUDA devices; throws when the driver is not usable. */
  public static int deviceCount() {
    return primaryContexts().length;
  }

  /** Whether the driver's start has been tried (it succeeded or failed): nothing is left to do. */
  public static boolean started() {
    return primary != null || initFailure != null;
  }

  private static long[] primaryContexts() {
    long[] p = primary;
    if (p != null) {
      return p;
    }
    synchronized (LOCK) {
      if (primary != null) {
        return primary;
      }
      if (initFailure != null) {
        throw initFailure;
      }
      try {
        primary = initialize();
        return primary;
      } catch (CudaUnavailableException e) {
        initFailure = e;
        throw e;
      }
    }
  }

  private static volatile long initNanos;
  private static volatile long bindNanos;

  /**
   * Milliseconds of the driver's start, for benchmarks: binding the functions, cuInit + contexts.
   */
  public static String initTimes() {
    return String.format(
        java.util.Locale.ROOT,
        "driver_bind_ms=%.1f driver_init_ms=%.1f",
        bindNanos / 1e6,
        initNanos / 1e6);
  }

  private static long[] initialize() {
    long t0 = System.nanoTime();
    // Memory, streams, events and graphs are bound on another thread while cuInit runs.
    Driver.prepare();
    String missing = Driver.unavailable();
    bindNanos = System.nanoTime() - t0;
    try {
      return initializeDriver(missing);
    } finally {
      initNanos = System.nanoTime() - t0 - bindNanos;
    }
  }

  private static long[] initializeDriver(String missing) {
    if (missing != null) {
      throw new CudaUnavailableException(noDriverMessage(missing));
    }
    int[] v = new int[1];
    int st = Driver.driverVersion(v);
    if (st == Driver.SUCCESS && v[0] < DriverLine.MINIMUM) {
      throw new CudaUnavailableException(
          oldDriverMessage(v[0], DriverLine.MINIMUM, DriverLine.NAME));
    }
    st = Driver.init();
    if (st != Driver.SUCCESS) {
      throw new CudaUnavailableException(
          initMessage(st, Driver.errorName(st), Driver.errorString(st)));
    }
    st = Driver.deviceCount(v);
    if (st != Driver.SUCCESS) {
      throw new CudaUnavailableException(
          initMessage(st, Driver.errorName(st), Driver.errorString(st)));
    }
    if (v[0] == 0) {
      throw new CudaUnavailableException(
          "No CUDA-capable GPU found (the NVIDIA driver reports 0 devices)");
    }
    long[] ctx = new long[v[0]];
    long[] out = new long[1];
    for (int d = 0; d < ctx.length; d++) {
      st = Driver.primaryContextRetain(d, out);
      if (st != Driver.SUCCESS) {
        throw new CudaUnavailableException(
            "CUDA device "
                + d
                + " cannot be used: cuDevicePrimaryCtxRetain"
                + " failed with "
                + Driver.errorName(st)
                + " ("
                + Driver.errorString(st)
                + ")");
      }
      ctx[d] = out[0];
    }
    String more = Driver.unavailableAfterStart();
    if (more != null) {
      throw new CudaUnavailableException(more + ". Update the NVIDIA driver.");
    }
    return ctx;
  }

  static String noDriverMessage(String detail) {
    return "No NVIDIA driver: " + detail + ". Install the NVIDIA driver for your GPU.";
  }

  static String oldDriverMessage(int found, int minimum, String minimumName) {
    return "The NVIDIA driver is too old: it supports CUDA "
        + versionString(found)
        + ", and the"
        + " TensorRT line trt4j runs needs "
        + minimumName
        + ". Update the NVIDIA driver.";
  }

  static String initMessage(int status, String name, String text) {
    return switch (status) {
      case Driver.ERROR_NO_DEVICE -> "No CUDA-capable GPU found (" + name + ")";
      case Driver.ERROR_INSUFFICIENT_DRIVER ->
          "The NVIDIA driver does not match its kernel module or is too old ("
              + name
              + ": "
              + text
              + "). Reinstall or update the NVIDIA driver.";
      default -> "CUDA is not usable here: cuInit failed with " + name + " (" + text + ")";
    };
  }

  /** 12060 -> "12.6". */
  public static String versionString(int cudaVersion) {
    return (cudaVersion / 1000) + "." + (cudaVersion % 1000) / 10;
  }

  /** The driver's CUDA version (e.g. 13000), or -1 when no driver loads. */
  public static int driverVersion() {
    int[] v = new int[1];
    return Driver.driverVersion(v) == Driver.SUCCESS ? v[0] : -1;
  }

  /** Device {@code device}'s primary context; the device must exist. */
  public static long primaryContext(int device) {
    long[] p = primaryContexts();
    if (device < 0 || device >= p.length) {
      throw new CudaUnavailableException(
          "CUDA device " + device + " does not exist: this machine has " + p.length + " device(s)");
    }
    return p[device];
  }

  // ---- the calling thread's context -----------------------------------------------------------

  private static final ThreadLocal<MemorySegment> SCRATCH =
      ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(ValueLayout.JAVA_LONG));
  private static final ThreadLocal<long[]> OUT = ThreadLocal.withInitial(() -> new long[1]);

  /** The calling thread's current context, 0 for none; allocation-free after a thread's first. */
  public static long currentContext() {
    long[] out = OUT.get();
    check(Driver.currentContext(SCRATCH.get(), out), "cuCtxGetCurrent", "the calling thread");
    return out[0];
  }

  public static void setContext(long context) {
    check(Driver.setCurrentContext(context), "cuCtxSetCurrent", "the calling thread");
  }

  /** Makes device {@code device}'s primary context the calling thread's current one. */
  public static void setDevice(int device) {
    setContext(primaryContext(device));
  }

  /**
   * The device whose primary context is current on the calling thread; 0 when none is (as the CUDA
   * runtime would pick), -1 for a context trt4j did not make.
   */
  public static int currentDevice() {
    long c = currentContext();
    if (c == 0) {
      return 0;
    }
    long[] p = primaryContexts();
    for (int d = 0; d < p.length; d++) {
      if (p[d] == c) {
        return d;
      }
    }
    return -1;
  }

  /**
   * Makes {@code device}'s primary context current until {@link DeviceScope#close()}, which puts
   * the caller's context back (none included): the caller's current context is theirs.
   */
  public static DeviceScope onDevice(int device) {
    long want = primaryContext(device);
    long was = currentContext();
    if (was != want) {
      setContext(want);
    }
    return new DeviceScope(was, want);
  }

  /** See {@link #onDevice(int)}. */
  public record DeviceScope(long was, long context) implements AutoCloseable {
    @Override
    public void close() {
      if (was != context) {
        setContext(was);
      }
    }
  }

  // ---- memory -----------------------------------------------------------------------------------

  /** Device memory of {@code bytes} (at least 1 byte) in the current context. */
  public static long malloc(long bytes, String what) {
    long[] out = new long[1];
    check(Driver.memAlloc(Math.max(1, bytes), out), "cuMemAlloc", what + " (" + bytes + " bytes)");
    return out[0];
  }

  public static void free(long address) {
    if (address != 0) {
      Driver.memFree(address);
    }
  }

  /** Page-locked host memory of {@code bytes} (at least 1 byte), seen by every context. */
  public static long mallocHost(long bytes, String what) {
    long[] out = new long[1];
    try (DeviceScope _ = anyContext()) {
      check(
          Driver.memHostAlloc(Math.max(1, bytes), out),
          "cuMemHostAlloc",
          what + " (" + bytes + " bytes)");
    }
    return out[0];
  }

  public static void freeHost(long address) {
    if (address != 0) {
      try (DeviceScope _ = anyContext()) {
        Driver.memFreeHost(address);
      }
    }
  }

  /** The caller's context if they have one, else device 0's, for calls that need some context. */
  private static DeviceScope anyContext() {
    long was = currentContext();
    if (was != 0) {
      return new DeviceScope(was, was);
    }
    long want = primaryContext(0);
    setContext(want);
    return new DeviceScope(was, want);
  }

  /** {free, total} device memory in bytes on the current device. */
  public static long[] memInfo() {
    long[] out = new long[2];
    try (DeviceScope _ = anyContext()) {
      check(Driver.memInfo(out), "cuMemGetInfo", "the current device");
    }
    return out;
  }

  /**
   * {free, total} device memory in bytes on {@code device}, leaving the calling thread's current
   * context as it was.
   */
  public static long[] memInfo(int device) {
    try (DeviceScope _ = onDevice(device)) {
      return memInfo();
    }
  }

  /** Name and compute capability, e.g. {@code NVIDIA H200 (compute 9.0)}. */
  public static String deviceDescription(int device) {
    requireDevice(device);
    String[] name = new String[1];
    check(Driver.deviceName(device, name), "cuDeviceGetName", "device " + device);
    int[] major = new int[1];
    int[] minor = new int[1];
    check(
        Driver.deviceAttribute(Driver.ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, device, major),
        "cuDeviceGetAttribute",
        "device " + device);
    check(
        Driver.deviceAttribute(Driver.ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, device, minor),
        "cuDeviceGetAttribute",
        "device " + device);
    return name[0] + " (compute " + major[0] + "." + minor[0] + ")";
  }

  /** Device-to-device (or any direction unified addressing tells) copy, synchronous. */
  public static void copy(long dst, long src, long bytes, String what) {
    check(Driver.copy(dst, src, bytes), "cuMemcpy", what);
  }

  /** Fills {@code bytes} of device memory with zeros, synchronously. */
  public static void zero(long address, long bytes, String what) {
    check(Driver.memset(address, 0, bytes), "cuMemsetD8", what);
  }

  // ---- streams, events, graphs --------------------------------------------------------------

  /** A non-blocking stream in the current context. */
  public static long createStream() {
    long[] out = new long[1];
    check(
        Driver.streamCreate(Driver.STREAM_NON_BLOCKING, out),
        "cuStreamCreate",
        "a non-blocking stream");
    return out[0];
  }

  public static void destroyStream(long s) {
    if (s != 0) {
      Driver.streamDestroy(s);
    }
  }

  public static void synchronize(long s, String what) {
    check(Driver.streamSynchronize(s), "cuStreamSynchronize", what);
  }

  /** An event for ordering only ({@code timing}: also for elapsed-time measurements). */
  public static long createEvent(boolean timing) {
    long[] out = new long[1];
    check(
        Driver.eventCreate(timing ? Driver.EVENT_DEFAULT : Driver.EVENT_DISABLE_TIMING, out),
        "cuEventCreate",
        "an event");
    return out[0];
  }

  public static void destroyEvent(long e) {
    if (e != 0) {
      Driver.eventDestroy(e);
    }
  }

  public static void record(long event, long stream, String what) {
    int st = Driver.eventRecord(event, stream);
    if (st != Driver.SUCCESS) {
      throw error(st, "cuEventRecord", what);
    }
  }

  /** Milliseconds between two recorded, completed timing events. */
  public static float elapsedMs(long from, long to, MemorySegment scratch, float[] out) {
    check(Driver.eventElapsed(from, to, scratch, out), "cuEventElapsedTime", "phase timing");
    return out[0];
  }

  /** Ends a capture on {@code s}; the graph, or 0 when the capture was invalidated. */
  public static long endCapture(long s) {
    long[] g = new long[1];
    int status = Driver.endCapture(s, g);
    if (status != Driver.SUCCESS || g[0] == 0) {
      if (g[0] != 0) {
        Driver.graphDestroy(g[0]);
      }
      return 0;
    }
    return g[0];
  }

  /** Instantiates {@code g} and destroys it; the executable graph. */
  public static long instantiate(long g) {
    long[] exec = new long[1];
    try {
      check(Driver.graphInstantiate(g, exec), "cuGraphInstantiate", "a captured inference");
    } finally {
      Driver.graphDestroy(g);
    }
    return exec[0];
  }

  public static void destroyGraph(long exec) {
    if (exec != 0) {
      Driver.graphExecDestroy(exec);
    }
  }
}
