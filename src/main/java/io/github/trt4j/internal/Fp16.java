package io.github.trt4j.internal;

/** float32 to and from IEEE half and bfloat16, rounding to nearest even. */
public final class Fp16 {

  private Fp16() {}

  public static short toHalf(float f) {
    return Float.floatToFloat16(f);
  }

  public static float fromHalf(short h) {
    return Float.float16ToFloat(h);
  }

  /** bfloat16 bits: the top 16 bits of the float, rounded to nearest even; NaN stays NaN. */
  public static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      return (short) ((bits >>> 16) | 0x0040);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  public static float fromBf16(short b) {
    return Float.intBitsToFloat((b & 0xFFFF) << 16);
  }
}
