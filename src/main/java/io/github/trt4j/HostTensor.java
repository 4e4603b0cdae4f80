package io.github.trt4j;

import io.github.trt4j.internal.HostCodec;
import io.github.trt4j.internal.Leaks;
import io.github.trt4j.internal.NativeBlock;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * A tensor in page-locked (pinned) host memory that trt4j allocated: the caller fills and reads it
 * in place, and the GPU copies it with no staging on the Java side. Row-major, little-endian,
 * packed elements of {@link #dataType()} (HALF and BF16 as their 16-bit patterns).
 *
 * <p>Ownership: a tensor from {@link IoBinding#input}/{@link IoBinding#output} belongs to its
 * binding, which frees it when it closes (its own {@link #close()} does nothing); one from {@link
 * #allocate} belongs to the caller. After the memory is freed, every view of it throws {@link
 * IllegalStateException} instead of touching freed memory.
 *
 * <p>The typed views ({@link #floats()}, {@link #ints()}, …) are made once and returned again on
 * every call, reset to position 0 and limit {@link #elementCount()}, so a hot loop creates no
 * objects. Not thread-safe; do not touch a tensor while a run that uses it is in flight.
 */
public final class HostTensor implements AutoCloseable {

  private final DataType dataType;
  private final long capacity;
  private final NativeBlock block;
  private final Arena arena;
  private final MemorySegment memory;
  private final Leaks.Registration registration;
  private final boolean ownedByBinding;
  private Shape shape;
  private long byteSize;
  private ByteBuffer bytes;
  private FloatBuffer floats;
  private IntBuffer ints;
  private LongBuffer longs;
  private ShortBuffer shorts;
  private volatile boolean closed;

  HostTensor(DataType dataType, Shape capacityShape, Shape shape, boolean ownedByBinding) {
    if (!dataType.isSupported()) {
      throw new IllegalArgumentException(dataType + " tensors cannot be carried on the host");
    }
    if (capacityShape.isDynamic()) {
      throw new IllegalArgumentException(
          "A host tensor needs a concrete shape; got " + capacityShape);
    }
    this.dataType = dataType;
    this.capacity = dataType.bytesFor(capacityShape.elementCount());
    this.ownedByBinding = ownedByBinding;
    NativeBlock b =
        NativeBlock.pinned(capacity, "host tensor " + dataType.displayName() + " " + capacityShape);
    this.block = b;
    this.arena = Arena.ofShared();
    this.memory =
        MemorySegment.ofAddress(b.address()).reinterpret(Math.max(1, capacity), arena, null);
    this.registration =
        Leaks.register(
            this,
            "HostTensor " + dataType.displayName() + " " + capacityShape,
            new Release(arena, b));
    shape(shape);
  }

  /** Frees the memory once: the arena first (so views fail cleanly), then the pinned block. */
  private record Release(Arena arena, NativeBlock block) implements Runnable {
    @Override
    public void run() {
      arena.close();
      block.free();
    }
  }

  /**
   * Page-locked host memory for a tensor of {@code type} and {@code shape}, owned by the caller.
   *
   * @param type the element type
   * @param shape the concrete shape
   * @return the tensor, which the caller closes
   * @throws CudaUnavailableException when CUDA is not usable here
   */
  public static HostTensor allocate(DataType type, Shape shape) {
    return new HostTensor(type, shape, shape, false);
  }

  /** {@return the element type} */
  public DataType dataType() {
    return dataType;
  }

  /** {@return the tensor's current shape (an output's is set by each run)} */
  public Shape shape() {
    return shape;
  }

  /** {@return the number of elements of the current shape} */
  public long elementCount() {
    return shape.elementCount();
  }

  /** {@return bytes of the current shape} */
  public long byteSize() {
    return byteSize;
  }

  /** {@return bytes allocated: the largest shape this tensor can take} */
  public long capacity() {
    return capacity;
  }

  void shape(Shape s) {
    long b = dataType.bytesFor(s.elementCount());
    if (b > capacity) {
      throw new IllegalArgumentException(
          "Shape " + s + " needs " + b + " bytes; this host tensor holds " + capacity);
    }
    shape = s;
    byteSize = b;
  }

  NativeBlock block() {
    return block;
  }

  /** {@return the current shape's bytes as a segment (a view; valid until the memory is freed)} */
  public MemorySegment segment() {
    ensureOpen();
    return byteSize == memory.byteSize() ? memory : memory.asSlice(0, byteSize);
  }

  /** {@return the bytes, native (little-endian) order} */
  public ByteBuffer bytes() {
    ensureOpen();
    if (bytes == null) {
      bytes = memory.asByteBuffer().order(ByteOrder.nativeOrder());
    }
    bytes.clear().limit((int) Math.min(Integer.MAX_VALUE, byteSize));
    return bytes;
  }

  /** {@return a float view (FLOAT tensors)} */
  public FloatBuffer floats() {
    requireType(DataType.FLOAT);
    if (floats == null) {
      floats = memory.asByteBuffer().order(ByteOrder.nativeOrder()).asFloatBuffer();
    }
    floats.clear().limit((int) elementCount());
    return floats;
  }

  /** {@return an int view (INT32 tensors)} */
  public IntBuffer ints() {
    requireType(DataType.INT32);
    if (ints == null) {
      ints = memory.asByteBuffer().order(ByteOrder.nativeOrder()).asIntBuffer();
    }
    ints.clear().limit((int) elementCount());
    return ints;
  }

  /** {@return a long view (INT64 tensors)} */
  public LongBuffer longs() {
    requireType(DataType.INT64);
    if (longs == null) {
      longs = memory.asByteBuffer().order(ByteOrder.nativeOrder()).asLongBuffer();
    }
    longs.clear().limit((int) elementCount());
    return longs;
  }

  /** {@return a view of the 16-bit patterns (HALF and BF16 tensors)} */
  public ShortBuffer shorts() {
    if (dataType != DataType.HALF && dataType != DataType.BF16) {
      throw new IllegalStateException(
          "shorts() is for float16/bfloat16 tensors; this one is " + dataType.displayName());
    }
    ensureOpen();
    if (shorts == null) {
      shorts = memory.asByteBuffer().order(ByteOrder.nativeOrder()).asShortBuffer();
    }
    shorts.clear().limit((int) elementCount());
    return shorts;
  }

  private void requireType(DataType t) {
    ensureOpen();
    if (dataType != t) {
      throw new IllegalStateException(
          "This tensor is " + dataType.displayName() + ", not " + t.displayName());
    }
  }

  /**
   * Copies {@code t} in (converting float values to HALF/BF16) and takes its shape.
   *
   * @param t the data, of this tensor's type
   * @throws IllegalArgumentException when the type differs or the shape does not fit
   */
  public void copyFrom(Tensor t) {
    ensureOpen();
    if (t.dataType() != dataType) {
      throw new IllegalArgumentException(
          "This host tensor is "
              + dataType.displayName()
              + "; got a "
              + t.dataType().displayName()
              + " tensor");
    }
    shape(t.shape());
    HostCodec.encode(t, memory);
  }

  /** {@return a Java copy of the current contents} */
  public Tensor toTensor() {
    ensureOpen();
    return HostCodec.decode(dataType, shape, memory);
  }

  /** {@return whether {@link #close()} has been called} */
  public boolean isClosed() {
    return closed;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException(
          "HostTensor " + dataType.displayName() + " " + shape + " is closed");
    }
  }

  /** Frees the memory of a caller-owned tensor; does nothing for one its binding owns. */
  @Override
  public void close() {
    if (!ownedByBinding) {
      release();
    }
  }

  /** Frees the memory (the owning binding calls this after its work has completed). */
  void release() {
    if (closed) {
      return;
    }
    closed = true;
    registration.close();
  }
}
