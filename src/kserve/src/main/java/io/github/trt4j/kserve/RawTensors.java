package io.github.trt4j.kserve;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Tensors to and from the protocol's raw form: the elements in row-major order, little-endian, one
 * byte per BOOL (0 or 1), IEEE half for FP16 and the upper half of a float for BF16, both rounded
 * to nearest even as trt4j rounds them on the way to a GPU.
 */
public final class RawTensors {

  private RawTensors() {}

  /** The raw bytes of {@code t}. */
  public static byte[] encode(Tensor t) {
    int n = t.size();
    ByteBuffer b =
        ByteBuffer.allocate(Math.toIntExact(t.dataType().bytesFor(n)))
            .order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dataType()) {
      case FLOAT -> b.asFloatBuffer().put(t.floats());
      case HALF -> {
        float[] f = t.floats();
        for (int i = 0; i < n; i++) {
          b.putShort(i * 2, Float.floatToFloat16(f[i]));
        }
      }
      case BF16 -> {
        float[] f = t.floats();
        for (int i = 0; i < n; i++) {
          b.putShort(i * 2, toBf16(f[i]));
        }
      }
      case INT32 -> b.asIntBuffer().put(t.ints());
      case INT64 -> b.asLongBuffer().put(t.longs());
      case INT8, UINT8 -> b.put(t.bytes());
      case BOOL -> {
        boolean[] z = t.booleans();
        for (int i = 0; i < n; i++) {
          b.put(i, (byte) (z[i] ? 1 : 0));
        }
      }
      default -> throw new IllegalArgumentException(t.dataType() + " cannot be carried");
    }
    return b.array();
  }

  /**
   * A tensor from raw bytes.
   *
   * @param what names the tensor in messages, e.g. "output 'y'"
   * @throws IllegalArgumentException naming the tensor when the byte count does not match the shape
   *     and type, or a BOOL byte is neither 0 nor 1
   */
  public static Tensor decode(String what, DataType type, Shape shape, ByteBuffer raw) {
    long n = elements(what, shape);
    long need = type.bytesFor(n);
    if (raw.remaining() != need) {
      throw new IllegalArgumentException(
          what
              + " has "
              + raw.remaining()
              + " bytes; "
              + V2Types.name(type)
              + " "
              + shape
              + " needs "
              + need);
    }
    ByteBuffer b = raw.slice().order(ByteOrder.LITTLE_ENDIAN);
    int m = (int) n;
    return switch (type) {
      case FLOAT -> {
        float[] f = new float[m];
        b.asFloatBuffer().get(f);
        yield Tensor.ofFloats(shape, f);
      }
      case HALF -> {
        float[] f = new float[m];
        for (int i = 0; i < m; i++) {
          f[i] = Float.float16ToFloat(b.getShort(i * 2));
        }
        yield Tensor.ofHalfs(shape, f);
      }
      case BF16 -> {
        float[] f = new float[m];
        for (int i = 0; i < m; i++) {
          f[i] = Float.intBitsToFloat((b.getShort(i * 2) & 0xFFFF) << 16);
        }
        yield Tensor.ofBf16s(shape, f);
      }
      case INT32 -> {
        int[] a = new int[m];
        b.asIntBuffer().get(a);
        yield Tensor.ofInts(shape, a);
      }
      case INT64 -> {
        long[] a = new long[m];
        b.asLongBuffer().get(a);
        yield Tensor.ofLongs(shape, a);
      }
      case INT8, UINT8 -> {
        byte[] a = new byte[m];
        b.get(a);
        yield Tensor.ofBytes(type, shape, a);
      }
      case BOOL -> {
        boolean[] z = new boolean[m];
        for (int i = 0; i < m; i++) {
          byte v = b.get(i);
          if (v != 0 && v != 1) {
            throw new IllegalArgumentException(
                what + " is BOOL but byte " + i + " is " + v + " (not 0 or 1)");
          }
          z[i] = v == 1;
        }
        yield Tensor.ofBooleans(shape, z);
      }
      default -> throw new IllegalArgumentException(type + " cannot be carried");
    };
  }

  /** The element count of a concrete shape, at most {@code Integer.MAX_VALUE}. */
  static long elements(String what, Shape shape) {
    if (shape.isDynamic()) {
      throw new IllegalArgumentException(
          what + " has shape " + shape + "; a result needs a concrete shape");
    }
    long n;
    try {
      n = shape.elementCount();
    } catch (ArithmeticException e) {
      n = Long.MAX_VALUE;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          what + " has shape " + shape + ": more elements than a Java array holds");
    }
    return n;
  }

  /** float to bfloat16 bits, round to nearest even; NaN stays a (quiet) NaN. */
  static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }
}
