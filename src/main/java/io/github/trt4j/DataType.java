package io.github.trt4j;

import java.util.Locale;

/**
 * TensorRT's element types, with their native {@code nvinfer1::DataType} values and sizes.
 *
 * <p>The typed inference path supports {@link #FLOAT}, {@link #HALF}, {@link #BF16}, {@link #INT8},
 * {@link #UINT8}, {@link #INT32}, {@link #INT64} and {@link #BOOL}. {@link #FP8} and {@link #INT4}
 * tensors are reported by {@link TrtEngine#tensors()} but cannot be fed or read.
 */
public enum DataType {
  /** 32-bit IEEE float. */
  FLOAT(0, 4, "float32"),
  /** 16-bit IEEE float (float16). */
  HALF(1, 2, "float16"),
  /** Signed 8-bit integer. */
  INT8(2, 1, "int8"),
  /** Signed 32-bit integer. */
  INT32(3, 4, "int32"),
  /** Boolean, one byte per element. */
  BOOL(4, 1, "bool"),
  /** Unsigned 8-bit integer. */
  UINT8(5, 1, "uint8"),
  /** 8-bit float; not carried on the host. */
  FP8(6, 1, "fp8"),
  /** bfloat16. */
  BF16(7, 2, "bfloat16"),
  /** Signed 64-bit integer. */
  INT64(8, 8, "int64"),
  /** Packed four-bit integers: two elements per byte. */
  INT4(9, 0, "int4");

  private final int nativeValue;
  private final int byteSize;
  private final String displayName;

  DataType(int nativeValue, int byteSize, String displayName) {
    this.nativeValue = nativeValue;
    this.byteSize = byteSize;
    this.displayName = displayName;
  }

  /** {@return the {@code nvinfer1::DataType} value} */
  public int nativeValue() {
    return nativeValue;
  }

  /** {@return bytes per element; 0 for {@link #INT4}, which packs two elements per byte} */
  public int byteSize() {
    return byteSize;
  }

  /** {@return whether host data of this type can be fed to and read from an engine} */
  public boolean isSupported() {
    return this != FP8 && this != INT4;
  }

  /** {@return whether Java carries this type's data as {@code float[]} (FLOAT, HALF, BF16)} */
  public boolean isFloatingPoint() {
    return this == FLOAT || this == HALF || this == BF16;
  }

  /**
   * Bytes needed for {@code elements} elements, exact for every type (INT4 rounds up).
   *
   * @param elements the number of elements
   * @return the bytes they take
   */
  public long bytesFor(long elements) {
    if (elements < 0) {
      throw new IllegalArgumentException("negative element count " + elements);
    }
    if (this == INT4) {
      return (elements + 1) / 2;
    }
    return Math.multiplyExact(elements, (long) byteSize);
  }

  /** Elements of this type that {@code bytes} hold at least (rounded up; for buffer sizing). */
  long elementsFor(long bytes) {
    long unit = Math.max(1, bytesFor(1));
    return (Math.max(0, bytes) + unit - 1) / unit;
  }

  /** {@return a short lower-case name such as {@code float32}, as NumPy would say it} */
  public String displayName() {
    return displayName;
  }

  /**
   * Maps a native value.
   *
   * @param value TensorRT's {@code DataType} value
   * @return the type
   * @throws IllegalArgumentException for a value this release does not know
   */
  public static DataType fromNative(int value) {
    for (DataType t : values()) {
      if (t.nativeValue == value) {
        return t;
      }
    }
    throw new IllegalArgumentException("Unknown TensorRT data type value " + value);
  }

  /**
   * Parses a name such as {@code float32}, {@code FLOAT} or {@code fp16}.
   *
   * @param name the name, in any case
   * @return the type
   * @throws IllegalArgumentException naming an unknown name
   */
  public static DataType parse(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    switch (n) {
      case "float", "float32", "fp32", "f32":
        return FLOAT;
      case "half", "float16", "fp16", "f16":
        return HALF;
      case "bf16", "bfloat16":
        return BF16;
      case "int8", "i8":
        return INT8;
      case "uint8", "u8":
        return UINT8;
      case "int32", "i32":
        return INT32;
      case "int64", "i64":
        return INT64;
      case "bool":
        return BOOL;
      default:
        throw new IllegalArgumentException("Unknown data type '" + name + "'");
    }
  }
}
