package io.github.trt4j.internal;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.Map;
import org.bytedeco.javacpp.Pointer;

/**
 * Named native buffers of one kind (device memory or page-locked host memory), one per tensor,
 * grown on demand and never shrunk. Not thread-safe; the owner frees them with {@link #free()}.
 */
public final class BufferSet {

  /** Where the buffers live. */
  public enum Kind {
    DEVICE,
    PINNED_HOST
  }

  private record Buffer(Pointer pointer, long bytes) {}

  private final Kind kind;
  private final Map<String, Buffer> buffers = new LinkedHashMap<>();

  public BufferSet(Kind kind) {
    this.kind = kind;
  }

  /**
   * Makes the buffer for {@code name} hold at least {@code bytes}.
   *
   * @return true when the buffer was (re)allocated, so its address changed
   */
  public boolean ensure(String name, long bytes) {
    Buffer b = buffers.get(name);
    if (b != null && b.bytes >= bytes) {
      return false;
    }
    if (b != null) {
      release(b);
      buffers.remove(name);
    }
    long size = Math.max(1, bytes);
    String what = (kind == Kind.DEVICE ? "device buffer of '" : "host staging buffer of '") + name + "'";
    Pointer p = kind == Kind.DEVICE ? Cuda.malloc(size, what) : Cuda.mallocHost(size, what);
    buffers.put(name, new Buffer(p, size));
    return true;
  }

  public Pointer pointer(String name) {
    Buffer b = buffers.get(name);
    if (b == null) {
      throw new IllegalArgumentException("No buffer for '" + name + "'");
    }
    return b.pointer;
  }

  /** A host buffer as a segment of its full size (only for {@link Kind#PINNED_HOST}). */
  public MemorySegment segment(String name) {
    if (kind != Kind.PINNED_HOST) {
      throw new IllegalStateException("Device memory cannot be read from Java");
    }
    Buffer b = buffers.get(name);
    return MemorySegment.ofAddress(b.pointer.address()).reinterpret(b.bytes);
  }

  public long bytes(String name) {
    Buffer b = buffers.get(name);
    return b == null ? 0 : b.bytes;
  }

  public long address(String name) {
    Buffer b = buffers.get(name);
    return b == null ? 0 : b.pointer.address();
  }

  public long totalBytes() {
    long t = 0;
    for (Buffer b : buffers.values()) {
      t += b.bytes;
    }
    return t;
  }

  public Map<String, Long> sizes() {
    Map<String, Long> m = new LinkedHashMap<>();
    buffers.forEach((k, v) -> m.put(k, v.bytes));
    return m;
  }

  /** Frees every buffer; the set stays usable and empty. */
  public void free() {
    for (Buffer b : buffers.values()) {
      release(b);
    }
    buffers.clear();
  }

  private void release(Buffer b) {
    if (kind == Kind.DEVICE) {
      Cuda.free(b.pointer);
    } else {
      Cuda.freeHost(b.pointer);
    }
  }
}
