package io.github.trt4j;

import java.util.Objects;

/**
 * Host data for one tensor: a data type, a concrete shape and a Java array with one element per
 * tensor element, in row-major order. Nothing native lives in it, so it needs no closing.
 *
 * <p>The Java array by type: {@code float[]} for FLOAT, HALF and BF16 (half and bf16 are converted
 * with round-to-nearest-even on the way to the GPU); {@code int[]} for INT32; {@code long[]} for
 * INT64; {@code byte[]} for INT8 and UINT8 (UINT8 as the unsigned value's low 8 bits); {@code
 * boolean[]} for BOOL.
 *
 * <p>A tensor takes its array without copying and hands it out without copying, so that large
 * results are not copied twice: do not change an array after passing it in.
 */
public final class Tensor {

  private final DataType dataType;
  private final Shape shape;
  private final Object data;

  private Tensor(DataType dataType, Shape shape, Object data, int length) {
    this.dataType = Objects.requireNonNull(dataType, "dataType");
    this.shape = Objects.requireNonNull(shape, "shape");
    this.data = data;
    if (!dataType.isSupported()) {
      throw new IllegalArgumentException(dataType + " tensors cannot be carried on the host");
    }
    if (shape.isDynamic()) {
      throw new IllegalArgumentException("A tensor needs a concrete shape; got " + shape);
    }
    long n = shape.elementCount();
    if (n != length) {
      throw new IllegalArgumentException(
          "Shape " + shape + " has " + n + " elements; got an array of " + length);
    }
  }

  /**
   * A FLOAT tensor.
   *
   * @param shape the concrete shape
   * @param data one value per element, row-major (not copied)
   * @return the tensor
   */
  public static Tensor ofFloats(Shape shape, float[] data) {
    return new Tensor(DataType.FLOAT, shape, data, data.length);
  }

  /**
   * A HALF tensor; values are rounded to float16 (nearest even) when copied to the GPU.
   *
   * @param shape the concrete shape
   * @param data one value per element, row-major (not copied)
   * @return the tensor
   * @throws IllegalArgumentException naming the first finite value beyond float16's range (|x| >=
   *     65520 would silently become infinity); infinities and NaN are kept
   */
  public static Tensor ofHalfs(Shape shape, float[] data) {
    requireInRange(DataType.HALF, data);
    return new Tensor(DataType.HALF, shape, data, data.length);
  }

  /**
   * A BF16 tensor; values are rounded to bfloat16 (nearest even) when copied to the GPU.
   *
   * @param shape the concrete shape
   * @param data one value per element, row-major (not copied)
   * @return the tensor
   * @throws IllegalArgumentException naming the first finite value beyond bfloat16's range
   */
  public static Tensor ofBf16s(Shape shape, float[] data) {
    requireInRange(DataType.BF16, data);
    return new Tensor(DataType.BF16, shape, data, data.length);
  }

  /** Refuses finite values that would round to infinity in {@code type} (HALF or BF16). */
  static void requireInRange(DataType type, float[] data) {
    int i = io.github.trt4j.internal.format.HalfRange.firstOverflow(type, data);
    if (i >= 0) {
      throw new IllegalArgumentException(
          io.github.trt4j.internal.format.HalfRange.overflowMessage(type, data, i));
    }
  }

  /**
   * An INT32 tensor.
   *
   * @param shape the concrete shape
   * @param data one value per element, row-major (not copied)
   * @return the tensor
   */
  public static Tensor ofInts(Shape shape, int[] data) {
    return new Tensor(DataType.INT32, shape, data, data.length);
  }

  /**
   * An INT64 tensor.
   *
   * @param shape the concrete shape
   * @param data one value per element, row-major (not copied)
   * @return the tensor
   */
  public static Tensor ofLongs(Shape shape, long[] data) {
    return new Tensor(DataType.INT64, shape, data, data.length);
  }

  /**
   * An INT8 or UINT8 tensor.
   *
   * @param type {@link DataType#INT8} or {@link DataType#UINT8}
   * @param shape the concrete shape
   * @param data one value per element, row-major (not copied)
   * @return the tensor
   */
  public static Tensor ofBytes(DataType type, Shape shape, byte[] data) {
    if (type != DataType.INT8 && type != DataType.UINT8) {
      throw new IllegalArgumentException("byte[] data is for INT8 or UINT8; got " + type);
    }
    return new Tensor(type, shape, data, data.length);
  }

  /**
   * A BOOL tensor.
   *
   * @param shape the concrete shape
   * @param data one value per element, row-major (not copied)
   * @return the tensor
   */
  public static Tensor ofBooleans(Shape shape, boolean[] data) {
    return new Tensor(DataType.BOOL, shape, data, data.length);
  }

  /**
   * A tensor of {@code type} from float values: the convenience path's conversion. Integer types
   * take only whole values in their range, and BOOL only 0 and 1, so nothing is silently truncated.
   *
   * @param type the tensor's data type
   * @param shape the concrete shape
   * @param values one value per element, row-major
   * @return the tensor
   * @throws IllegalArgumentException naming the first value that does not fit
   */
  public static Tensor fromFloats(DataType type, Shape shape, float[] values) {
    int n = values.length;
    switch (type) {
      case FLOAT:
        return ofFloats(shape, values);
      case HALF:
        return ofHalfs(shape, values);
      case BF16:
        return ofBf16s(shape, values);
      case INT32:
        {
          int[] a = new int[n];
          for (int i = 0; i < n; i++) {
            a[i] = (int) whole(values, i, Integer.MIN_VALUE, Integer.MAX_VALUE, type);
          }
          return ofInts(shape, a);
        }
      case INT64:
        {
          long[] a = new long[n];
          for (int i = 0; i < n; i++) {
            a[i] = whole(values, i, Long.MIN_VALUE, Long.MAX_VALUE, type);
          }
          return ofLongs(shape, a);
        }
      case INT8:
        {
          byte[] a = new byte[n];
          for (int i = 0; i < n; i++) {
            a[i] = (byte) whole(values, i, Byte.MIN_VALUE, Byte.MAX_VALUE, type);
          }
          return ofBytes(type, shape, a);
        }
      case UINT8:
        {
          byte[] a = new byte[n];
          for (int i = 0; i < n; i++) {
            a[i] = (byte) whole(values, i, 0, 255, type);
          }
          return ofBytes(type, shape, a);
        }
      case BOOL:
        {
          boolean[] a = new boolean[n];
          for (int i = 0; i < n; i++) {
            a[i] = whole(values, i, 0, 1, type) != 0;
          }
          return ofBooleans(shape, a);
        }
      default:
        throw new IllegalArgumentException(type + " tensors cannot be carried on the host");
    }
  }

  private static long whole(float[] v, int i, long lo, long hi, DataType type) {
    // Compare as double: (float) Integer.MAX_VALUE rounds up to 2^31, so a float comparison
    // would let 2^31 through and the int cast would wrap it to -2^31. Long.MAX_VALUE rounds to
    // 2^63 even as a double, so the int64 bound is exclusive.
    double f = v[i];
    boolean tooBig = hi == Long.MAX_VALUE ? f >= 0x1p63 : f > hi;
    if (f != Math.rint(f) || f < lo || tooBig) {
      throw new IllegalArgumentException(
          "Value " + f + " at element " + i + " is not a valid " + type.displayName() + " value");
    }
    return (long) f;
  }

  /** {@return the element type} */
  public DataType dataType() {
    return dataType;
  }

  /** {@return the concrete shape} */
  public Shape shape() {
    return shape;
  }

  /** {@return the number of elements} */
  public int size() {
    return (int) shape.elementCount();
  }

  /** {@return the Java array itself (see the class comment for its type)} */
  public Object array() {
    return data;
  }

  /** {@return the data of a FLOAT, HALF or BF16 tensor} */
  public float[] floats() {
    return as(float[].class, "floats()");
  }

  /** {@return the data of an INT32 tensor} */
  public int[] ints() {
    return as(int[].class, "ints()");
  }

  /** {@return the data of an INT64 tensor} */
  public long[] longs() {
    return as(long[].class, "longs()");
  }

  /** {@return the data of an INT8 or UINT8 tensor} */
  public byte[] bytes() {
    return as(byte[].class, "bytes()");
  }

  /** {@return the data of a BOOL tensor} */
  public boolean[] booleans() {
    return as(boolean[].class, "booleans()");
  }

  private <T> T as(Class<T> type, String accessor) {
    if (!type.isInstance(data)) {
      throw new IllegalStateException(
          "This tensor is "
              + dataType.displayName()
              + "; "
              + accessor
              + " does not apply (use "
              + accessorFor(dataType)
              + ")");
    }
    return type.cast(data);
  }

  private static String accessorFor(DataType t) {
    return switch (t) {
      case FLOAT, HALF, BF16 -> "floats()";
      case INT32 -> "ints()";
      case INT64 -> "longs()";
      case INT8, UINT8 -> "bytes()";
      case BOOL -> "booleans()";
      default -> "nothing";
    };
  }

  /**
   * The values as floats, whatever the type: the convenience path's conversion. UINT8 reads as
   * 0..255, BOOL as 0 or 1; INT32 and INT64 values beyond 2^24 lose precision, as float does.
   *
   * @return one float per element (the array itself for float data)
   */
  public float[] toFloats() {
    int n = size();
    switch (data) {
      case float[] f -> {
        return f;
      }
      case int[] a -> {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
          out[i] = a[i];
        }
        return out;
      }
      case long[] a -> {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
          out[i] = a[i];
        }
        return out;
      }
      case byte[] a -> {
        float[] out = new float[n];
        boolean unsigned = dataType == DataType.UINT8;
        for (int i = 0; i < n; i++) {
          out[i] = unsigned ? (a[i] & 0xFF) : a[i];
        }
        return out;
      }
      case boolean[] a -> {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
          out[i] = a[i] ? 1f : 0f;
        }
        return out;
      }
      default -> throw new IllegalStateException("unreachable: " + data.getClass());
    }
  }

  @Override
  public String toString() {
    return "Tensor[" + dataType.displayName() + " " + shape + "]";
  }
}
