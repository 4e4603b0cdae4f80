package io.github.trt4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Device memory for every I/O tensor of an engine: one {@link DeviceTensor} per input and output,
 * on the Inferer's device, each sized by its data type for the largest shape of the Inferer's
 * optimization profile (inputs start at the profile's opt shape, outputs at their largest). Made by
 * {@link Inferer#createDeviceBuffers()}; usable alone, for example to chain engines (bind one
 * engine's output buffer as the next one's input) or to fill inputs with CUDA code of your own, and
 * bound in one call by {@link Inferer#createBinding(DeviceBuffers)}.
 *
 * <p>Ownership: the buffers own their device tensors and free them on {@link #close()}
 * (idempotent). A binding they are bound to only points at them: close the binding (or finish its
 * runs) before the buffers. Not thread-safe.
 */
public final class DeviceBuffers implements AutoCloseable {

  private final int device;
  private final Map<String, DeviceTensor> tensors;
  private volatile boolean closed;

  private DeviceBuffers(int device, Map<String, DeviceTensor> tensors) {
    this.device = device;
    this.tensors = Collections.unmodifiableMap(tensors);
  }

  /**
   * Allocates a tensor per spec; {@code start} gives each one's shape now and {@code max} the shape
   * its memory must hold.
   */
  static DeviceBuffers allocate(
      int device, List<TensorSpec> specs, List<Shape> start, List<Shape> max) {
    Map<String, DeviceTensor> t = new LinkedHashMap<>();
    List<DeviceTensor> made = new ArrayList<>();
    try {
      for (TensorSpec s : specs) {
        DeviceTensor d = DeviceTensor.allocate(device, s.dataType(), max.get(s.index()));
        made.add(d);
        d.reshape(start.get(s.index()));
        t.put(s.name(), d);
      }
    } catch (RuntimeException e) {
      for (DeviceTensor d : made) {
        d.close();
      }
      throw e;
    }
    return new DeviceBuffers(device, t);
  }

  /**
   * The device tensor of input or output {@code name}.
   *
   * @param name the tensor's name
   * @return its device memory
   * @throws IllegalArgumentException for an unknown name
   */
  public DeviceTensor get(String name) {
    ensureOpen();
    DeviceTensor d = tensors.get(name);
    if (d == null) {
      throw new IllegalArgumentException(
          "No tensor '" + name + "'; the engine's tensors are " + List.copyOf(tensors.keySet()));
    }
    return d;
  }

  /** {@return every tensor by name, in the engine's order} */
  public Map<String, DeviceTensor> tensors() {
    ensureOpen();
    return tensors;
  }

  /** {@return the CUDA device the memory is on} */
  public int device() {
    return device;
  }

  /** {@return the device bytes held, all tensors together} */
  public long bytes() {
    long b = 0;
    for (DeviceTensor d : tensors.values()) {
      b += d.capacity();
    }
    return b;
  }

  /** {@return whether {@link #close()} has been called} */
  public boolean isClosed() {
    return closed;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("DeviceBuffers are closed");
    }
  }

  /** Frees every tensor; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (DeviceTensor d : tensors.values()) {
      d.close();
    }
  }
}
