package io.github.trt4j.kserve;

import io.github.trt4j.DataType;

/** The Open Inference Protocol's tensor data type names for trt4j's data types. */
public final class V2Types {

  private V2Types() {}

  /** The protocol's name ({@code FP32}, {@code BOOL}, ...) of a type trt4j can carry. */
  public static String name(DataType t) {
    return switch (t) {
      case FLOAT -> "FP32";
      case HALF -> "FP16";
      case BF16 -> "BF16";
      case INT8 -> "INT8";
      case UINT8 -> "UINT8";
      case INT32 -> "INT32";
      case INT64 -> "INT64";
      case BOOL -> "BOOL";
      case FP8, INT4 ->
          throw new IllegalArgumentException(t + " has no Open Inference Protocol data type");
    };
  }

  /**
   * The trt4j type of a protocol name.
   *
   * @throws IllegalArgumentException for types trt4j cannot carry (UINT16, FP64, BYTES, ...),
   *     naming {@code what} (e.g. "output 'y'")
   */
  public static DataType parse(String v2, String what) {
    return switch (v2) {
      case "FP32" -> DataType.FLOAT;
      case "FP16" -> DataType.HALF;
      case "BF16" -> DataType.BF16;
      case "INT8" -> DataType.INT8;
      case "UINT8" -> DataType.UINT8;
      case "INT32" -> DataType.INT32;
      case "INT64" -> DataType.INT64;
      case "BOOL" -> DataType.BOOL;
      default ->
          throw new IllegalArgumentException(
              what
                  + " has data type '"
                  + v2
                  + "', which trt4j cannot carry (it carries FP32, FP16, BF16, INT8, UINT8, INT32, INT64, BOOL)");
    };
  }
}
