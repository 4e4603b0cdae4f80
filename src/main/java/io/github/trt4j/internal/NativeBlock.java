package io.github.trt4j.internal;

import java.util.concurrent.atomic.AtomicBoolean;
import org.bytedeco.javacpp.Pointer;

/**
 * One block of native memory: device memory or page-locked host memory that trt4j allocated (and
 * frees, once, in {@link #free()}), or device memory a caller owns and trt4j only points at. The
 * JavaCPP pointer is made once here, so that copies and {@code setTensorAddress} on the hot path
 * create no objects.
 */
public final class NativeBlock {

  /** Where the memory lives and who frees it. */
  public enum Kind {
    /** {@code cudaMalloc} by trt4j; freed by {@link #free()}. */
    DEVICE,
    /** {@code cudaMallocHost} by trt4j; freed by {@link #free()}. */
    PINNED,
    /** Device memory the caller owns; {@link #free()} does nothing. */
    FOREIGN_DEVICE
  }

  private final Kind kind;
  private final Pointer pointer;
  private final long address;
  private final long bytes;
  private final int device;
  private final AtomicBoolean freed = new AtomicBoolean();

  private NativeBlock(Kind kind, Pointer pointer, long bytes, int device) {
    this.kind = kind;
    this.pointer = pointer;
    this.address = pointer.address();
    this.bytes = bytes;
    this.device = device;
  }

  /** {@code bytes} of device memory on {@code device} (at least 1 byte, never a null address). */
  public static NativeBlock device(int device, long bytes, String what) {
    Natives.requireDevice(device);
    try (Cuda.DeviceScope _ = Cuda.onDevice(device)) {
      return new NativeBlock(Kind.DEVICE, Cuda.malloc(bytes, what), Math.max(1, bytes), device);
    }
  }

  /** {@code bytes} of page-locked host memory (at least 1 byte). */
  public static NativeBlock pinned(long bytes, String what) {
    Natives.load();
    return new NativeBlock(Kind.PINNED, Cuda.mallocHost(bytes, what), Math.max(1, bytes), -1);
  }

  /** Device memory the caller owns at {@code address}; trt4j never frees it. */
  public static NativeBlock foreign(int device, long address, long bytes) {
    return new NativeBlock(Kind.FOREIGN_DEVICE, Pointers.at(address, bytes), bytes, device);
  }

  public Kind kind() {
    return kind;
  }

  public boolean onDevice() {
    return kind != Kind.PINNED;
  }

  public Pointer pointer() {
    return pointer;
  }

  public long address() {
    return address;
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
          Cuda.free(pointer);
        }
      }
      case PINNED -> Cuda.freeHost(pointer);
      case FOREIGN_DEVICE -> { }
    }
  }
}
