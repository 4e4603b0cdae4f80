package io.github.trt4j;

import io.github.trt4j.internal.BufferSet;
import java.util.Map;

/**
 * The device memory of an {@link Inferer}: one {@code cudaMalloc} per I/O tensor, sized by element
 * count times the element size of the tensor's data type, grown when a dynamic shape grows and
 * never shrunk. The {@link Inferer} owns these buffers and frees them in its {@code close()};
 * this view only reports on them, and is valid while the Inferer is open.
 */
public final class DeviceBuffers {

  private final BufferSet buffers;
  private final Inferer owner;

  DeviceBuffers(BufferSet buffers, Inferer owner) {
    this.buffers = buffers;
    this.owner = owner;
  }

  /** The device address of {@code tensor}'s buffer, or 0 before its first inference. */
  public long address(String tensor) {
    owner.ensureOpen();
    return buffers.address(tensor);
  }

  /** The bytes allocated for {@code tensor}, or 0 before its first inference. */
  public long bytes(String tensor) {
    owner.ensureOpen();
    return buffers.bytes(tensor);
  }

  /** Bytes allocated per tensor, in allocation order. */
  public Map<String, Long> sizes() {
    owner.ensureOpen();
    return buffers.sizes();
  }

  /** All device bytes held for I/O tensors (TensorRT's own activation memory not included). */
  public long totalBytes() {
    owner.ensureOpen();
    return buffers.totalBytes();
  }
}
