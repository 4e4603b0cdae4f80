package io.github.trt4j.kserve;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import java.util.List;

/** Tensors to and from the REST protocol's JSON {@code data} lists (flat, row-major). */
final class JsonData {

  private JsonData() {}

  static Tensor tensor(String what, DataType type, Shape shape, Object data) {
    int n = (int) RawTensors.elements(what, shape);
    if (!(data instanceof List<?> l)) {
      throw new IllegalArgumentException(what + " has neither binary_data_size nor a 'data' list");
    }
    if (l.size() != n) {
      throw new IllegalArgumentException(
          what + " has " + l.size() + " values in 'data'; shape " + shape + " needs " + n);
    }
    switch (type) {
      case FLOAT, HALF, BF16 -> {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
          f[i] = (float) number(what, i, l.get(i));
        }
        return type == DataType.FLOAT
            ? Tensor.ofFloats(shape, f)
            : type == DataType.HALF ? Tensor.ofHalfs(shape, f) : Tensor.ofBf16s(shape, f);
      }
      case INT32 -> {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
          a[i] = (int) whole(what, i, l.get(i), Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        return Tensor.ofInts(shape, a);
      }
      case INT64 -> {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
          a[i] = whole(what, i, l.get(i), Long.MIN_VALUE, Long.MAX_VALUE);
        }
        return Tensor.ofLongs(shape, a);
      }
      case INT8, UINT8 -> {
        byte[] a = new byte[n];
        long lo = type == DataType.INT8 ? -128 : 0;
        long hi = type == DataType.INT8 ? 127 : 255;
        for (int i = 0; i < n; i++) {
          a[i] = (byte) whole(what, i, l.get(i), lo, hi);
        }
        return Tensor.ofBytes(type, shape, a);
      }
      case BOOL -> {
        boolean[] z = new boolean[n];
        for (int i = 0; i < n; i++) {
          if (!(l.get(i) instanceof Boolean b)) {
            throw new IllegalArgumentException(
                what + " value " + l.get(i) + " at element " + i + " is not a boolean");
          }
          z[i] = b;
        }
        return Tensor.ofBooleans(shape, z);
      }
      default ->
          throw new IllegalArgumentException(what + " is " + type + ", which trt4j cannot carry");
    }
  }

  private static double number(String what, int i, Object v) {
    if (!(v instanceof Number n)) {
      throw new IllegalArgumentException(
          what + " value " + v + " at element " + i + " is not a number");
    }
    return n.doubleValue();
  }

  private static long whole(String what, int i, Object v, long lo, long hi) {
    if (!(v instanceof Long n) || n < lo || n > hi) {
      throw new IllegalArgumentException(
          what
              + " value "
              + v
              + " at element "
              + i
              + " is not an integer in ["
              + lo
              + ", "
              + hi
              + "]");
    }
    return n;
  }

  /**
   * Appends {@code t}'s values as a JSON list. HALF and BF16 values are rounded to their type first
   * (nearest even), as the binary path rounds them, so both paths send the same numbers.
   *
   * @throws IllegalArgumentException naming the tensor for NaN or infinity, which JSON cannot carry
   */
  static void write(StringBuilder b, String what, Tensor t) {
    b.append('[');
    int n = t.size();
    switch (t.dataType()) {
      case FLOAT, HALF, BF16 -> {
        float[] f = t.floats();
        for (int i = 0; i < n; i++) {
          float v =
              switch (t.dataType()) {
                case HALF -> Float.float16ToFloat(Float.floatToFloat16(f[i]));
                case BF16 -> Float.intBitsToFloat((RawTensors.toBf16(f[i]) & 0xFFFF) << 16);
                default -> f[i];
              };
          if (!Float.isFinite(v)) {
            throw new IllegalArgumentException(
                what
                    + " has "
                    + v
                    + " at element "
                    + i
                    + " (as "
                    + t.dataType().displayName()
                    + "), which JSON cannot carry; use binary tensors");
          }
          b.append(i == 0 ? "" : ",").append(v);
        }
      }
      case INT32 -> {
        int[] a = t.ints();
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "" : ",").append(a[i]);
        }
      }
      case INT64 -> {
        long[] a = t.longs();
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "" : ",").append(a[i]);
        }
      }
      case INT8, UINT8 -> {
        byte[] a = t.bytes();
        boolean unsigned = t.dataType() == DataType.UINT8;
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "" : ",").append(unsigned ? a[i] & 0xFF : a[i]);
        }
      }
      case BOOL -> {
        boolean[] z = t.booleans();
        for (int i = 0; i < n; i++) {
          b.append(i == 0 ? "" : ",").append(z[i]);
        }
      }
      default ->
          throw new IllegalArgumentException(
              what + " is " + t.dataType() + ", which trt4j cannot carry");
    }
    b.append(']');
  }
}
