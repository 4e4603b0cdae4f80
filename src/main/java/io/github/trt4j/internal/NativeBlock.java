package io.github.trt4j.internal;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One block of native memory: device memory or page-locked host memory that trt4j allocated (and
 * frees, once, in {@link #free()}), or device memory a caller owns and trt4j only points at. An
 * address and a size: the driver calls take addresses, so the hot path creates no objects.
 */
public final class NativeBlock {

  /** Where the memory lives and who frees it. */
  public enum Kind {
    /** {@code cuMemAlloc} by trt4j; freed by {@link #free()}. */
    DEVICE,
    /** {@code cuMemHostAlloc} (portable) by trt4j; freed by {@link #free()}. */
    PINNED,
    /** Device memory the caller owns; {@link #free()} does nothing. */
    FOREIGN_DEVICE
  }

  private final Kind kind;
  private final long address;
  private final long bytes;
  private final int device;
  private final AtomicBoolean freed = new AtomicBoolean();

  /** A view of this memory made once by the TensorRT glue (a JavaCPP pointer), or null. */
  private volatile Object view;

  private NativeBlock(Kind kind, long address, long bytes, int device) {
    this.kind = kind;
    this.address = address;
    this.bytes = bytes;
    this.device = device;
  }

  /** {@code bytes} of device memory on {@code device} (at least 1 byte, never a null address). */
  public static NativeBlock device(int device, long bytes, String what) {
    Cuda.requireDevice(device);
    try (Cuda.DeviceScope _ = Cuda.onDevice(device)) {
      return new NativeBlock(Kind.DEVICE, Cuda.malloc(bytes, what), Math.max(1, bytes), device);
    }
  }

  /** {@code bytes} of page-locked host memory (at least 1 byte). */
  public static NativeBlock pinned(long bytes, String what) {
    Cuda.requireDevice(0);
    return new NativeBlock(Kind.PINNED, Cuda.mallocHost(bytes, what), Math.max(1, bytes), -1);
  }

  /** Device memory the caller owns at {@code address}; trt4j never frees it. */
  public static NativeBlock foreign(int device, long address, long bytes) {
    return new NativeBlock(Kind.FOREIGN_DEVICE, address, bytes, device);
  }

  public Kind kind() {
    return kind;
  }

  public boolean onDevice() {
    return kind != Kind.PINNED;
  }

  public long address() {
    return address;
  }

  /** The TensorRT glue's cached view of this block, or null (see {@link #view(Object)}). */
  public Object view() {
    return view;
  }

  /**
   * Caches {@code v}, a view of this block made by the TensorRT glue, so that binding the block
   * again (a binding switch on the hot path) creates no object.
   */
  public void view(Object v) {
    view = v;
  }

  public long bytes() {
    return bytes;
  }

  /** The device for device memory; -1 for host memory. */
  public int device() {
    return device;
  }

  public boolean isFreed() {
    return freed.get();
  }

  /** Frees memory trt4j allocated, once; the caller must have synchronized work that uses it. */
  public void free() {
    if (!freed.compareAndSet(false, true)) {
      return;
    }
    switch (kind) {
      case DEVICE -> {
        try (Cuda.DeviceScope _ = Cuda.onDevice(device)) {
          Cuda.free(address);
        }
      }
      case PINNED -> Cuda.freeHost(address);
      case FOREIGN_DEVICE -> {}
    }
  }
}
