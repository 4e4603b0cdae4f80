package io.github.trt4j.internal.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The CUDA driver API ({@code libcuda.so.1}, part of the NVIDIA driver) through FFM downcalls: the
 * only CUDA trt4j calls. Every function returns the {@code CUresult} status (0 on success) and
 * writes results into caller-given segments, so the hot-path calls (copies, enqueue-side events,
 * context switches) allocate nothing. Handles ({@code CUcontext}, {@code CUstream}, {@code
 * CUevent}, {@code CUgraph}, {@code CUgraphExec}), device pointers and the addresses of results are
 * plain {@code long}s, passed as 64-bit integers (the same registers as pointers on the LP64
 * platforms trt4j runs on), so that no call makes a {@code MemorySegment} and the functions share
 * few distinct signatures: FFM generates one stub per signature, a few milliseconds each when the
 * driver starts (10 signatures for 34 functions).
 *
 * <p>This package imports only the JDK. Checking statuses and turning them into exceptions is the
 * caller's job ({@code io.github.trt4j.internal.Cuda}). The library is looked up on first use;
 * {@link #unavailable()} says why it could not be, and every function then returns {@link
 * #NOT_LOADED}.
 */
public final class Driver {

  public static final int SUCCESS = 0;
  public static final int ERROR_INVALID_VALUE = 1;
  public static final int ERROR_OUT_OF_MEMORY = 2;
  public static final int ERROR_NOT_INITIALIZED = 3;
  public static final int ERROR_NO_DEVICE = 100;
  public static final int ERROR_INVALID_DEVICE = 101;
  public static final int ERROR_INSUFFICIENT_DRIVER = 35;
  public static final int ERROR_NOT_READY = 600;

  /** Not a driver status: libcuda.so.1 could not be loaded (see {@link #unavailable()}). */
  public static final int NOT_LOADED = -1;

  public static final int STREAM_NON_BLOCKING = 0x1;
  public static final int EVENT_DEFAULT = 0x0;
  public static final int EVENT_DISABLE_TIMING = 0x2;
  public static final int MEMHOSTALLOC_PORTABLE = 0x1;
  public static final int STREAM_CAPTURE_MODE_THREAD_LOCAL = 1;
  public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR = 75;
  public static final int ATTRIBUTE_COMPUTE_CAPABILITY_MINOR = 76;

  /** The file name the dynamic loader is asked for. */
  public static final String LIBRARY = "libcuda.so.1";

  private Driver() {}

  /** Why libcuda.so.1 could not be loaded or a function was missing; null when it loaded. */
  public static String unavailable() {
    return Api.FAILURE;
  }

  /**
   * Starts binding the functions the driver's start does not need (memory, copies, streams, events,
   * graphs) on a daemon thread, so that it overlaps cuInit; their first use waits for it.
   */
  public static void prepare() {
    Thread.ofPlatform().daemon().name("trt4j-driver-bind").start(() -> unavailableAfterStart());
  }

  /**
   * Why a function beyond the start's could not be bound (a driver too old for trt4j), or null;
   * waits for {@link #prepare()}'s binding if it is under way.
   */
  public static String unavailableAfterStart() {
    return Api.FAILURE != null ? Api.FAILURE : More.FAILURE;
  }

  // ---- initialization and devices -----------------------------------------------------------

  public static int init() {
    if (Api.FAILURE != null) {
      return NOT_LOADED;
    }
    try {
      return (int) Api.cuInit.invokeExact(0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The driver's CUDA version, e.g. 13000 for CUDA 13.0, into {@code out[0]}. */
  public static int driverVersion(int[] out) {
    if (Api.FAILURE != null) {
      return NOT_LOADED;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
      int st = (int) Api.cuDriverGetVersion.invokeExact(v.address());
      out[0] = v.get(ValueLayout.JAVA_INT, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int deviceCount(int[] out) {
    if (Api.FAILURE != null) {
      return NOT_LOADED;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
      int st = (int) Api.cuDeviceGetCount.invokeExact(v.address());
      out[0] = v.get(ValueLayout.JAVA_INT, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** The device's name into {@code out[0]}. */
  public static int deviceName(int device, String[] out) {
    if (Api.FAILURE != null) {
      return NOT_LOADED;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment name = a.allocate(256);
      int st = (int) More.cuDeviceGetName.invokeExact(name.address(), 256, device);
      out[0] = st == SUCCESS ? name.getString(0) : null;
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int deviceAttribute(int attribute, int device, int[] out) {
    if (Api.FAILURE != null) {
      return NOT_LOADED;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.JAVA_INT);
      int st = (int) More.cuDeviceGetAttribute.invokeExact(v.address(), attribute, device);
      out[0] = v.get(ValueLayout.JAVA_INT, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- contexts ------------------------------------------------------------------------------

  /**
   * Retains device {@code device}'s primary context (the one the CUDA runtime uses) into out[0].
   */
  public static int primaryContextRetain(int device, long[] out) {
    if (Api.FAILURE != null) {
      return NOT_LOADED;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.JAVA_LONG);
      int st = (int) Api.cuDevicePrimaryCtxRetain.invokeExact(v.address(), device);
      out[0] = v.get(ValueLayout.JAVA_LONG, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /**
   * The calling thread's current context (0 for none) into {@code scratch} (8 bytes), returned
   * through {@code out[0]}; allocation-free.
   */
  public static int currentContext(MemorySegment scratch, long[] out) {
    try {
      int st = (int) Api.cuCtxGetCurrent.invokeExact(scratch.address());
      out[0] = scratch.get(ValueLayout.JAVA_LONG, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int setCurrentContext(long context) {
    try {
      return (int) Api.cuCtxSetCurrent.invokeExact(context);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- memory --------------------------------------------------------------------------------

  /** {@code bytes} of device memory in the current context; the address into out[0]. */
  public static int memAlloc(long bytes, long[] out) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.JAVA_LONG);
      int st = (int) More.cuMemAlloc.invokeExact(v.address(), bytes);
      out[0] = v.get(ValueLayout.JAVA_LONG, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int memFree(long address) {
    try {
      return (int) More.cuMemFree.invokeExact(address);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Page-locked host memory that every context sees (portable); the address into out[0]. */
  public static int memHostAlloc(long bytes, long[] out) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.ADDRESS);
      int st = (int) More.cuMemHostAlloc.invokeExact(v.address(), bytes, MEMHOSTALLOC_PORTABLE);
      out[0] = v.get(ValueLayout.JAVA_LONG, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int memFreeHost(long address) {
    try {
      return (int) More.cuMemFreeHost.invokeExact(address);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {free, total} bytes of the current context's device. */
  public static int memInfo(long[] out) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment f = a.allocate(ValueLayout.JAVA_LONG);
      MemorySegment t = a.allocate(ValueLayout.JAVA_LONG);
      int st = (int) More.cuMemGetInfo.invokeExact(f.address(), t.address());
      out[0] = f.get(ValueLayout.JAVA_LONG, 0);
      out[1] = t.get(ValueLayout.JAVA_LONG, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int copyHtoDAsync(long dst, long src, long bytes, long stream) {
    try {
      return (int) More.cuMemcpyHtoDAsync.invokeExact(dst, src, bytes, stream);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int copyDtoHAsync(long dst, long src, long bytes, long stream) {
    try {
      return (int) More.cuMemcpyDtoHAsync.invokeExact(dst, src, bytes, stream);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** A synchronous copy in whichever direction unified addressing tells. */
  public static int copy(long dst, long src, long bytes) {
    try {
      return (int) More.cuMemcpy.invokeExact(dst, src, bytes);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Sets {@code bytes} of device memory to {@code value}. */
  public static int memset(long address, int value, long bytes) {
    try {
      return (int) More.cuMemsetD8.invokeExact(address, (byte) value, bytes);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- streams and events --------------------------------------------------------------------

  public static int streamCreate(int flags, long[] out) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.ADDRESS);
      int st = (int) More.cuStreamCreate.invokeExact(v.address(), flags);
      out[0] = v.get(ValueLayout.JAVA_LONG, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int streamDestroy(long stream) {
    try {
      return (int) More.cuStreamDestroy.invokeExact(stream);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int streamSynchronize(long stream) {
    try {
      return (int) More.cuStreamSynchronize.invokeExact(stream);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int eventCreate(int flags, long[] out) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.ADDRESS);
      int st = (int) More.cuEventCreate.invokeExact(v.address(), flags);
      out[0] = v.get(ValueLayout.JAVA_LONG, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int eventDestroy(long event) {
    try {
      return (int) More.cuEventDestroy.invokeExact(event);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int eventRecord(long event, long stream) {
    try {
      return (int) More.cuEventRecord.invokeExact(event, stream);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int eventSynchronize(long event) {
    try {
      return (int) More.cuEventSynchronize.invokeExact(event);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** {@link #SUCCESS} when the event completed, {@link #ERROR_NOT_READY} while it has not. */
  public static int eventQuery(long event) {
    try {
      return (int) More.cuEventQuery.invokeExact(event);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Milliseconds between two completed timing events into {@code scratch} (4 bytes). */
  public static int eventElapsed(long from, long to, MemorySegment scratch, float[] out) {
    try {
      int st = (int) More.cuEventElapsedTime.invokeExact(scratch.address(), from, to);
      out[0] = scratch.get(ValueLayout.JAVA_FLOAT, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- graphs --------------------------------------------------------------------------------

  public static int beginCapture(long stream, int mode) {
    try {
      return (int) More.cuStreamBeginCapture.invokeExact(stream, mode);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** Ends a capture; the graph (0 if the capture was invalidated) into out[0]. */
  public static int endCapture(long stream, long[] out) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.ADDRESS);
      int st = (int) More.cuStreamEndCapture.invokeExact(stream, v.address());
      out[0] = v.get(ValueLayout.JAVA_LONG, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int graphInstantiate(long graph, long[] out) {
    try (Arena a = Arena.ofConfined()) {
      MemorySegment v = a.allocate(ValueLayout.ADDRESS);
      int st = (int) More.cuGraphInstantiate.invokeExact(v.address(), graph, 0L);
      out[0] = v.get(ValueLayout.JAVA_LONG, 0);
      return st;
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int graphDestroy(long graph) {
    try {
      return (int) More.cuGraphDestroy.invokeExact(graph);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int graphExecDestroy(long exec) {
    try {
      return (int) More.cuGraphExecDestroy.invokeExact(exec);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  public static int graphLaunch(long exec, long stream) {
    try {
      return (int) More.cuGraphLaunch.invokeExact(exec, stream);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  // ---- errors --------------------------------------------------------------------------------

  /** The status's name from {@code cuGetErrorName}, e.g. {@code CUDA_ERROR_OUT_OF_MEMORY}. */
  public static String errorName(int status) {
    String s = status == NOT_LOADED ? null : errorText(status, true);
    return s != null ? s : Statuses.name(status);
  }

  /** The status's description from {@code cuGetErrorString}; a fixed text when unknown. */
  public static String errorString(int status) {
    String s = status == NOT_LOADED ? null : errorText(status, false);
    return s != null ? s : Statuses.description(status);
  }

  private static String errorText(int status, boolean name) {
    if (Api.FAILURE != null) {
      return null;
    }
    try (Arena a = Arena.ofConfined()) {
      MemorySegment p = a.allocate(ValueLayout.ADDRESS);
      int st =
          name
              ? (int) Api.cuGetErrorName.invokeExact(status, p.address())
              : (int) Api.cuGetErrorString.invokeExact(status, p.address());
      MemorySegment s = p.get(ValueLayout.ADDRESS, 0);
      if (st != SUCCESS || s.address() == 0) {
        return null;
      }
      return s.reinterpret(4096).getString(0);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    return new IllegalStateException(t);
  }

  /**
   * The handles the driver's start needs (cuInit, versions, devices, primary contexts, current
   * context, error names), made when first used. The others are in {@link More}, which {@link
   * #prepare()} binds on a thread of its own while cuInit runs.
   */
  private static final class Api {
    static final String FAILURE;
    static final SymbolLookup LOOKUP;
    static final MethodHandle cuInit;
    static final MethodHandle cuDriverGetVersion;
    static final MethodHandle cuDeviceGetCount;
    static final MethodHandle cuDevicePrimaryCtxRetain;
    static final MethodHandle cuCtxGetCurrent;
    static final MethodHandle cuCtxSetCurrent;
    static final MethodHandle cuGetErrorName;
    static final MethodHandle cuGetErrorString;

    static {
      String failure = null;
      Binder b = null;
      try {
        b =
            new Binder(
                SymbolLookup.libraryLookup(
                    System.getProperty("trt4j.cuda.driver", LIBRARY), Arena.global()));
      } catch (RuntimeException e) {
        failure =
            LIBRARY
                + " (the NVIDIA driver's CUDA library) was not found by the dynamic"
                + " loader: "
                + e.getMessage();
      }
      var I = ValueLayout.JAVA_INT;
      var J = ValueLayout.JAVA_LONG;
      if (b != null) {
        try {
          b.bind("cuInit", FunctionDescriptor.of(I, I));
        } catch (RuntimeException e) {
          failure = LIBRARY + " has no cuInit: " + e.getMessage();
          b = null;
        }
      }
      Binder x = b == null ? Binder.NONE : b;
      LOOKUP = b == null ? null : b.lookup;
      cuInit = x.bind("cuInit", FunctionDescriptor.of(I, I));
      cuDriverGetVersion = x.bind("cuDriverGetVersion", FunctionDescriptor.of(I, J));
      cuDeviceGetCount = x.bind("cuDeviceGetCount", FunctionDescriptor.of(I, J));
      cuDevicePrimaryCtxRetain = x.bind("cuDevicePrimaryCtxRetain", FunctionDescriptor.of(I, J, I));
      cuCtxGetCurrent = x.bind("cuCtxGetCurrent", FunctionDescriptor.of(I, J));
      cuCtxSetCurrent = x.bind("cuCtxSetCurrent", FunctionDescriptor.of(I, J));
      cuGetErrorName = x.bind("cuGetErrorName", FunctionDescriptor.of(I, I, J));
      cuGetErrorString = x.bind("cuGetErrorString", FunctionDescriptor.of(I, I, J));
      if (failure == null && x.missing != null) {
        failure = LIBRARY + " lacks " + x.missing + ": the NVIDIA driver is too old for trt4j";
      }
      FAILURE = failure;
    }
  }

  /** The handles for memory, copies, streams, events and graphs: bound apart from {@link Api}. */
  private static final class More {
    static final String FAILURE;
    static final MethodHandle cuDeviceGetName;
    static final MethodHandle cuDeviceGetAttribute;
    static final MethodHandle cuMemAlloc;
    static final MethodHandle cuMemFree;
    static final MethodHandle cuMemHostAlloc;
    static final MethodHandle cuMemFreeHost;
    static final MethodHandle cuMemGetInfo;
    static final MethodHandle cuMemcpyHtoDAsync;
    static final MethodHandle cuMemcpyDtoHAsync;
    static final MethodHandle cuMemcpy;
    static final MethodHandle cuMemsetD8;
    static final MethodHandle cuStreamCreate;
    static final MethodHandle cuStreamDestroy;
    static final MethodHandle cuStreamSynchronize;
    static final MethodHandle cuEventCreate;
    static final MethodHandle cuEventDestroy;
    static final MethodHandle cuEventRecord;
    static final MethodHandle cuEventSynchronize;
    static final MethodHandle cuEventQuery;
    static final MethodHandle cuEventElapsedTime;
    static final MethodHandle cuStreamBeginCapture;
    static final MethodHandle cuStreamEndCapture;
    static final MethodHandle cuGraphInstantiate;
    static final MethodHandle cuGraphDestroy;
    static final MethodHandle cuGraphExecDestroy;
    static final MethodHandle cuGraphLaunch;

    static {
      var I = ValueLayout.JAVA_INT;
      var J = ValueLayout.JAVA_LONG;
      var B = ValueLayout.JAVA_BYTE;
      Binder x = Api.LOOKUP == null ? Binder.NONE : new Binder(Api.LOOKUP);
      cuDeviceGetName = x.bind("cuDeviceGetName", FunctionDescriptor.of(I, J, I, I));
      cuDeviceGetAttribute = x.bind("cuDeviceGetAttribute", FunctionDescriptor.of(I, J, I, I));
      cuMemAlloc = x.bind("cuMemAlloc_v2", FunctionDescriptor.of(I, J, J));
      cuMemFree = x.bind("cuMemFree_v2", FunctionDescriptor.of(I, J));
      cuMemHostAlloc = x.bind("cuMemHostAlloc", FunctionDescriptor.of(I, J, J, I));
      cuMemFreeHost = x.bind("cuMemFreeHost", FunctionDescriptor.of(I, J));
      cuMemGetInfo = x.bind("cuMemGetInfo_v2", FunctionDescriptor.of(I, J, J));
      cuMemcpyHtoDAsync = x.bind("cuMemcpyHtoDAsync_v2", FunctionDescriptor.of(I, J, J, J, J));
      cuMemcpyDtoHAsync = x.bind("cuMemcpyDtoHAsync_v2", FunctionDescriptor.of(I, J, J, J, J));
      cuMemcpy = x.bind("cuMemcpy", FunctionDescriptor.of(I, J, J, J));
      cuMemsetD8 = x.bind("cuMemsetD8_v2", FunctionDescriptor.of(I, J, B, J));
      cuStreamCreate = x.bind("cuStreamCreate", FunctionDescriptor.of(I, J, I));
      cuStreamDestroy = x.bind("cuStreamDestroy_v2", FunctionDescriptor.of(I, J));
      cuStreamSynchronize = x.bind("cuStreamSynchronize", FunctionDescriptor.of(I, J));
      cuEventCreate = x.bind("cuEventCreate", FunctionDescriptor.of(I, J, I));
      cuEventDestroy = x.bind("cuEventDestroy_v2", FunctionDescriptor.of(I, J));
      cuEventRecord = x.bind("cuEventRecord", FunctionDescriptor.of(I, J, J));
      cuEventSynchronize = x.bind("cuEventSynchronize", FunctionDescriptor.of(I, J));
      cuEventQuery = x.bind("cuEventQuery", FunctionDescriptor.of(I, J));
      cuEventElapsedTime =
          x.bindFirst(
              FunctionDescriptor.of(I, J, J, J), "cuEventElapsedTime", "cuEventElapsedTime_v2");
      cuStreamBeginCapture = x.bind("cuStreamBeginCapture_v2", FunctionDescriptor.of(I, J, I));
      cuStreamEndCapture = x.bind("cuStreamEndCapture", FunctionDescriptor.of(I, J, J));
      cuGraphInstantiate = x.bind("cuGraphInstantiateWithFlags", FunctionDescriptor.of(I, J, J, J));
      cuGraphDestroy = x.bind("cuGraphDestroy", FunctionDescriptor.of(I, J));
      cuGraphExecDestroy = x.bind("cuGraphExecDestroy", FunctionDescriptor.of(I, J));
      cuGraphLaunch = x.bind("cuGraphLaunch", FunctionDescriptor.of(I, J, J));
      FAILURE =
          Api.LOOKUP != null && x.missing != null
              ? LIBRARY + " lacks " + x.missing + ": the NVIDIA driver is too old for trt4j"
              : null;
    }
  }

  /** Binds symbols of one library; a missing symbol becomes a handle that reports NOT_LOADED. */
  private static final class Binder {
    static final Binder NONE = new Binder(null);
    final SymbolLookup lookup;
    String missing;

    Binder(SymbolLookup lookup) {
      this.lookup = lookup;
    }

    MethodHandle bind(String name, FunctionDescriptor fd) {
      return bindFirst(fd, name);
    }

    MethodHandle bindFirst(FunctionDescriptor fd, String... names) {
      if (lookup != null) {
        for (String n : names) {
          var s = lookup.find(n);
          if (s.isPresent()) {
            return Linker.nativeLinker().downcallHandle(s.get(), fd);
          }
        }
        if (missing == null) {
          missing = names[0];
        }
      }
      return Statuses.notLoaded(fd);
    }
  }
}
