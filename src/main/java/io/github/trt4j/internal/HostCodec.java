package io.github.trt4j.internal;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.internal.format.Fp16;
import io.github.trt4j.internal.format.HalfRange;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Copies tensor data between Java arrays and native memory laid out as TensorRT expects it:
 * row-major, little-endian, packed elements of the tensor's data type.
 */
public final class HostCodec {

  private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
  private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
  private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED;
  private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED;

  private HostCodec() {}

  /** Writes {@code t}'s elements at the start of {@code dst}; returns the bytes written. */
  public static long encode(Tensor t, MemorySegment dst) {
    int n = t.size();
    long bytes = t.dataType().bytesFor(n);
    if (dst.byteSize() < bytes) {
      throw new IllegalArgumentException("Buffer of " + dst.byteSize() + " bytes for " + bytes);
    }
    switch (t.dataType()) {
      case FLOAT -> MemorySegment.copy(t.floats(), 0, dst, F32, 0, n);
      case HALF, BF16 -> {
        float[] f = t.floats();
        boolean half = t.dataType() == DataType.HALF;
        short[] h = new short[n];
        for (int i = 0; i < n; i++) {
          h[i] = half ? Fp16.toHalf(f[i]) : Fp16.toBf16(f[i]);
          // The array may have changed since the tensor was made: check again on the way out.
          if ((h[i] & 0x7fff) == (half ? 0x7c00 : 0x7f80) && Float.isFinite(f[i])) {
            throw new IllegalArgumentException(HalfRange.overflowMessage(t.dataType(), f, i));
          }
        }
        MemorySegment.copy(h, 0, dst, I16, 0, n);
      }
      case INT32 -> MemorySegment.copy(t.ints(), 0, dst, I32, 0, n);
      case INT64 -> MemorySegment.copy(t.longs(), 0, dst, I64, 0, n);
      case INT8, UINT8 -> MemorySegment.copy(t.bytes(), 0, dst, ValueLayout.JAVA_BYTE, 0, n);
      case BOOL -> {
        boolean[] b = t.booleans();
        byte[] a = new byte[n];
        for (int i = 0; i < n; i++) {
          a[i] = b[i] ? (byte) 1 : (byte) 0;
        }
        MemorySegment.copy(a, 0, dst, ValueLayout.JAVA_BYTE, 0, n);
      }
      default -> throw new IllegalArgumentException(t.dataType() + " cannot be encoded");
    }
    return bytes;
  }

  /** The index of the first finite value that would round to infinity in HALF or BF16, or -1. */
  /** Reads a tensor of {@code type} and concrete {@code shape} from the start of {@code src}. */
  public static Tensor decode(DataType type, Shape shape, MemorySegment src) {
    long count = shape.elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "Tensor of shape "
              + shape
              + " has "
              + count
              + " elements; Java arrays hold at most 2^31");
    }
    int n = (int) count;
    return switch (type) {
      case FLOAT -> {
        float[] f = new float[n];
        MemorySegment.copy(src, F32, 0, f, 0, n);
        yield Tensor.ofFloats(shape, f);
      }
      case HALF, BF16 -> {
        short[] h = new short[n];
        MemorySegment.copy(src, I16, 0, h, 0, n);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = type == DataType.HALF ? Fp16.fromHalf(h[i]) : Fp16.fromBf16(h[i]);
        }
        yield type == DataType.HALF ? Tensor.ofHalfs(shape, f) : Tensor.ofBf16s(shape, f);
      }
      case INT32 -> {
        int[] a = new int[n];
        MemorySegment.copy(src, I32, 0, a, 0, n);
        yield Tensor.ofInts(shape, a);
      }
      case INT64 -> {
        long[] a = new long[n];
        MemorySegment.copy(src, I64, 0, a, 0, n);
        yield Tensor.ofLongs(shape, a);
      }
      case INT8, UINT8 -> {
        byte[] a = new byte[n];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, a, 0, n);
        yield Tensor.ofBytes(type, shape, a);
      }
      case BOOL -> {
        byte[] a = new byte[n];
        MemorySegment.copy(src, ValueLayout.JAVA_BYTE, 0, a, 0, n);
        boolean[] b = new boolean[n];
        for (int i = 0; i < n; i++) {
          b[i] = a[i] != 0;
        }
        yield Tensor.ofBooleans(shape, b);
      }
      default -> throw new IllegalArgumentException(type + " cannot be decoded");
    };
  }
}
