package io.github.trt4j;

import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.HostCodec;
import io.github.trt4j.internal.Leaks;
import io.github.trt4j.internal.NativeBlock;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A tensor in GPU memory: bound to an {@link IoBinding}, TensorRT reads or writes it directly and
 * no byte crosses PCIe. Either trt4j allocates it ({@link #allocate}, freed by {@link #close()}),
 * or it wraps device memory the caller owns ({@link #wrap}: from another library or its own
 * kernels; {@link #close()} then frees nothing). One engine's output bound as another engine's
 * input chains them on the GPU.
 *
 * <p>The shape is the caller's for an input; bound as an output, each run sets it to the shape
 * TensorRT produced. Thread-safe to read; do not close while a run that uses it is in flight.
 */
public final class DeviceTensor implements AutoCloseable {

  private final NativeBlock block;
  private final DataType dataType;
  private final Leaks.Registration registration;
  private volatile Shape shape;
  private volatile boolean closed;

  private DeviceTensor(NativeBlock block, DataType dataType, Shape shape, String what) {
    this.block = block;
    this.dataType = dataType;
    this.shape = shape;
    this.registration = Leaks.register(this, what, block::free);
  }

  /**
   * Allocates device memory for {@code shape} on CUDA device {@code device}, owned by the caller.
   *
   * @param device the CUDA device index
   * @param type the element type
   * @param shape the concrete shape to allocate for
   * @return the tensor, which the caller closes
   */
  public static DeviceTensor allocate(int device, DataType type, Shape shape) {
    checkType(type, shape);
    long bytes = type.bytesFor(shape.elementCount());
    NativeBlock b =
        NativeBlock.device(device, bytes, "device tensor " + type.displayName() + " " + shape);
    return new DeviceTensor(b, type, shape, "DeviceTensor " + type.displayName() + " " + shape);
  }

  /**
   * Wraps {@code capacityBytes} of device memory at {@code address} on {@code device}, which the
   * caller owns and keeps alive while any binding uses it; trt4j never frees it.
   *
   * @param device the CUDA device the memory is on
   * @param address the memory's device address
   * @param capacityBytes the memory's size in bytes
   * @param type the element type
   * @param shape the tensor's concrete shape
   * @return the tensor; closing it frees nothing
   * @throws IllegalArgumentException for a null address or a capacity too small for the shape
   */
  public static DeviceTensor wrap(
      int device, long address, long capacityBytes, DataType type, Shape shape) {
    checkType(type, shape);
    if (address == 0) {
      throw new IllegalArgumentException(
          "Device pointer is null (0) for a " + type.displayName() + " tensor of shape " + shape);
    }
    if (device < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0; got " + device);
    }
    long need = type.bytesFor(shape.elementCount());
    if (capacityBytes < need) {
      throw new IllegalArgumentException(
          "Shape "
              + shape
              + " of "
              + type.displayName()
              + " needs "
              + need
              + " bytes; the wrapped memory holds "
              + capacityBytes);
    }
    return new DeviceTensor(
        NativeBlock.foreign(device, address, capacityBytes),
        type,
        shape,
        "wrapped DeviceTensor at 0x" + Long.toHexString(address));
  }

  private static void checkType(DataType type, Shape shape) {
    if (!type.isSupported()) {
      throw new IllegalArgumentException(type + " tensors are not supported");
    }
    if (shape.isDynamic()) {
      throw new IllegalArgumentException("A device tensor needs a concrete shape; got " + shape);
    }
  }

  /** {@return the CUDA device the memory is on} */
  public int device() {
    return block.device();
  }

  /** {@return the device address} */
  public long address() {
    ensureOpen();
    return block.address();
  }

  /** {@return bytes available at {@link #address()}} */
  public long capacity() {
    return block.bytes();
  }

  /** {@return the element type} */
  public DataType dataType() {
    return dataType;
  }

  /** {@return the current shape} */
  public Shape shape() {
    return shape;
  }

  /** {@return whether trt4j allocated this memory (and frees it on close)} */
  public boolean ownsMemory() {
    return block.kind() == NativeBlock.Kind.DEVICE;
  }

  /**
   * Sets the shape (an input's, before a run); it must fit the capacity.
   *
   * @param s the new concrete shape
   * @return this tensor
   * @throws IllegalArgumentException when the shape needs more bytes than the capacity
   */
  public DeviceTensor reshape(Shape s) {
    if (s.isDynamic()) {
      throw new IllegalArgumentException("A device tensor needs a concrete shape; got " + s);
    }
    long need = dataType.bytesFor(s.elementCount());
    if (need > block.bytes()) {
      throw new IllegalArgumentException(
          "Shape "
              + s
              + " needs "
              + need
              + " bytes; this device"
              + " tensor holds "
              + block.bytes());
    }
    shape = s;
    return this;
  }

  NativeBlock block() {
    return block;
  }

  /**
   * Copies {@code t} to the device synchronously and takes its shape (tests, set-up).
   *
   * @param t host data of this tensor's type
   */
  public void copyFrom(Tensor t) {
    ensureOpen();
    if (t.dataType() != dataType) {
      throw new IllegalArgumentException(
          "This device tensor is "
              + dataType.displayName()
              + "; got a "
              + t.dataType().displayName()
              + " tensor");
    }
    reshape(t.shape());
    long bytes = dataType.bytesFor(t.shape().elementCount());
    try (Arena a = Arena.ofConfined()) {
      MemorySegment tmp = a.allocate(Math.max(1, bytes));
      HostCodec.encode(t, tmp);
      onDevice(
          () ->
              Cuda.copy(
                  block.address(),
                  tmp.address(),
                  bytes,
                  "copying a tensor to device tensor " + shape));
    }
  }

  /** {@return a Java copy of the current contents, read synchronously (tests, results)} */
  public Tensor toTensor() {
    ensureOpen();
    Shape s = shape;
    long bytes = dataType.bytesFor(s.elementCount());
    try (Arena a = Arena.ofConfined()) {
      MemorySegment tmp = a.allocate(Math.max(1, bytes));
      onDevice(
          () -> Cuda.copy(tmp.address(), block.address(), bytes, "reading device tensor " + s));
      return HostCodec.decode(dataType, s, tmp);
    }
  }

  /** Fills the tensor's bytes with zeros, synchronously. */
  public void zero() {
    ensureOpen();
    onDevice(() -> Cuda.zero(block.address(), block.bytes(), "zeroing a device tensor"));
  }

  private void onDevice(Runnable r) {
    try (Cuda.DeviceScope _ = Cuda.onDevice(block.device())) {
      r.run();
    }
  }

  /** {@return whether {@link #close()} has been called} */
  public boolean isClosed() {
    return closed;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(
          "DeviceTensor " + dataType.displayName() + " " + shape + " is closed");
    }
  }

  /** Frees memory trt4j allocated (nothing for wrapped memory); idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    registration.close();
  }

  @Override
  public String toString() {
    return "DeviceTensor[" + dataType.displayName() + " " + shape + " on device " + device() + "]";
  }
}
