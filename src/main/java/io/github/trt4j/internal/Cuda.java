package io.github.trt4j.internal;

import io.github.trt4j.CudaException;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUgraphExec_st;
import org.bytedeco.cuda.cudart.CUgraph_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudart.cudaDeviceProp;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.SizeTPointer;

/** The one funnel for CUDA runtime calls: every status goes through {@link #check}. */
public final class Cuda {

  private Cuda() {}

  /** Throws a {@link CudaException} naming the call and what it was for unless status is 0. */
  public static void check(int status, String call, String what) {
    if (status != cudart.cudaSuccess) {
      String name = errorName(status);
      throw new CudaException(
          call + " failed for " + what + ": " + name + " (" + errorString(status) + ")",
          status,
          name);
    }
  }

  static String errorName(int status) {
    BytePointer p = cudart.cudaGetErrorName(status);
    return p == null ? "cudaError " + status : p.getString();
  }

  static String errorString(int status) {
    BytePointer p = cudart.cudaGetErrorString(status);
    return p == null ? "unknown" : p.getString();
  }

  public static void setDevice(int device) {
    check(cudart.cudaSetDevice(device), "cudaSetDevice", "device " + device);
  }

  /** Device memory of {@code bytes} (at least 1 byte, so that the address is never null). */
  public static Pointer malloc(long bytes, String what) {
    Pointer p = new Pointer();
    check(cudart.cudaMalloc(p, Math.max(1, bytes)), "cudaMalloc", what + " (" + bytes + " bytes)");
    return p;
  }

  public static void free(Pointer p) {
    if (p != null && !p.isNull()) {
      cudart.cudaFree(p);
    }
  }

  /** Page-locked host memory of {@code bytes} (at least 1 byte). */
  public static Pointer mallocHost(long bytes, String what) {
    Pointer p = new Pointer();
    check(
        cudart.cudaMallocHost(p, Math.max(1, bytes)),
        "cudaMallocHost",
        what + " (" + bytes + " bytes)");
    return p;
  }

  public static void freeHost(Pointer p) {
    if (p != null && !p.isNull()) {
      cudart.cudaFreeHost(p);
    }
  }

  public static CUstream_st createStream() {
    CUstream_st s = new CUstream_st();
    check(
        cudart.cudaStreamCreateWithFlags(s, cudart.cudaStreamNonBlocking),
        "cudaStreamCreateWithFlags",
        "a non-blocking stream");
    return s;
  }

  public static void destroyStream(CUstream_st s) {
    if (s != null && !s.isNull()) {
      cudart.cudaStreamDestroy(s);
    }
  }

  public static void copyToDevice(Pointer dst, Pointer src, long bytes, CUstream_st s, String what) {
    check(
        cudart.cudaMemcpyAsync(dst, src, bytes, cudart.cudaMemcpyHostToDevice, s),
        "cudaMemcpyAsync(H2D)",
        what);
  }

  public static void copyToHost(Pointer dst, Pointer src, long bytes, CUstream_st s, String what) {
    check(
        cudart.cudaMemcpyAsync(dst, src, bytes, cudart.cudaMemcpyDeviceToHost, s),
        "cudaMemcpyAsync(D2H)",
        what);
  }

  public static void synchronize(CUstream_st s, String what) {
    check(cudart.cudaStreamSynchronize(s), "cudaStreamSynchronize", what);
  }

  /** {free, total} device memory in bytes on the current device. */
  public static long[] memInfo() {
    try (SizeTPointer free = new SizeTPointer(1);
        SizeTPointer total = new SizeTPointer(1)) {
      check(cudart.cudaMemGetInfo(free, total), "cudaMemGetInfo", "the current device");
      return new long[] {free.get(), total.get()};
    }
  }

  /** Name and compute capability, e.g. {@code NVIDIA H100 80GB HBM3 (compute 9.0)}. */
  public static String deviceDescription(int device) {
    try (cudaDeviceProp p = new cudaDeviceProp()) {
      check(cudart.cudaGetDeviceProperties(p, device), "cudaGetDeviceProperties", "device " + device);
      return p.name().getString() + " (compute " + p.major() + "." + p.minor() + ")";
    }
  }

  /** The calling thread's current device. */
  public static int currentDevice() {
    return currentDevice(new int[1]);
  }

  /**
   * Makes {@code device} the calling thread's current device until {@link DeviceScope#close()},
   * which puts the caller's device back: the caller's current device is theirs. For set-up and
   * tear-down; the run path keeps its own allocation-free check.
   */
  public static DeviceScope onDevice(int device) {
    int was = currentDevice();
    if (was != device) {
      setDevice(device);
    }
    return new DeviceScope(was, device);
  }

  /** See {@link #onDevice(int)}. */
  public record DeviceScope(int was, int device) implements AutoCloseable {
    @Override
    public void close() {
      if (was != device) {
        setDevice(was);
      }
    }
  }

  /**
   * {free, total} device memory in bytes on {@code device}, leaving the calling thread's current
   * device as it was.
   */
  public static long[] memInfo(int device) {
    try (DeviceScope _ = onDevice(device)) {
      return memInfo();
    }
  }

  /** The calling thread's current device, read into {@code out[0]} (no allocation). */
  public static int currentDevice(int[] out) {
    check(cudart.cudaGetDevice(out), "cudaGetDevice", "the calling thread");
    return out[0];
  }

  /** An event for ordering only ({@code timing}: also for elapsed-time measurements). */
  public static CUevent_st createEvent(boolean timing) {
    CUevent_st e = new CUevent_st();
    check(
        cudart.cudaEventCreateWithFlags(e, timing ? cudart.cudaEventDefault : cudart.cudaEventDisableTiming),
        "cudaEventCreateWithFlags",
        "an event");
    return e;
  }

  public static void destroyEvent(CUevent_st e) {
    if (e != null && !e.isNull()) {
      cudart.cudaEventDestroy(e);
    }
  }

  /** Milliseconds between two recorded, completed timing events. */
  public static float elapsedMs(CUevent_st from, CUevent_st to, float[] out) {
    check(cudart.cudaEventElapsedTime(out, from, to), "cudaEventElapsedTime", "phase timing");
    return out[0];
  }

  /** Ends a capture on {@code s}; the graph, or null when the capture was invalidated. */
  public static CUgraph_st endCapture(CUstream_st s) {
    CUgraph_st g = new CUgraph_st();
    int status = cudart.cudaStreamEndCapture(s, g);
    if (status != cudart.cudaSuccess || g.isNull()) {
      cudart.cudaGetLastError();
      return null;
    }
    return g;
  }

  /** Instantiates {@code g} and destroys it; the executable graph. */
  public static CUgraphExec_st instantiate(CUgraph_st g) {
    CUgraphExec_st exec = new CUgraphExec_st();
    try {
      check(cudart.cudaGraphInstantiate(exec, g, 0L), "cudaGraphInstantiate", "a captured inference");
    } finally {
      cudart.cudaGraphDestroy(g);
    }
    return exec;
  }

  public static void destroyGraph(CUgraphExec_st exec) {
    if (exec != null && !exec.isNull()) {
      cudart.cudaGraphExecDestroy(exec);
    }
  }

  /** Device-to-device (or any direction the driver infers) copy, synchronous. */
  public static void copy(Pointer dst, Pointer src, long bytes, String what) {
    check(cudart.cudaMemcpy(dst, src, bytes, cudart.cudaMemcpyDefault), "cudaMemcpy", what);
  }

  /** Fills {@code bytes} of device memory with zeros, synchronously. */
  public static void zero(Pointer p, long bytes, String what) {
    check(cudart.cudaMemset(p, 0, bytes), "cudaMemset", what);
  }
}
