package io.github.trt4j.internal.format;

/**
 * float32 to and from IEEE half and bfloat16, rounding to nearest even. NaN payloads survive a
 * round trip bit for bit (the JDK's conversions quiet a signalling NaN, which would change the
 * bytes of a float16 array read from a file and written back).
 */
public final class Fp16 {

  private Fp16() {}

  public static short toHalf(float f) {
    if (Float.isNaN(f)) {
      int bits = Float.floatToRawIntBits(f);
      int m = (bits >>> 13) & 0x3ff;
      // A payload only in the low 13 bits would become infinity: keep it a (quiet) NaN.
      return (short) (((bits >>> 16) & 0x8000) | 0x7c00 | (m == 0 ? 0x200 : m));
    }
    return Float.floatToFloat16(f);
  }

  public static float fromHalf(short h) {
    if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0) {
      return Float.intBitsToFloat(((h & 0x8000) << 16) | 0x7f800000 | ((h & 0x3ff) << 13));
    }
    return Float.float16ToFloat(h);
  }

  /** bfloat16 bits: the top 16 bits of the float, rounded to nearest even; NaN stays NaN. */
  public static short toBf16(float f) {
    int bits = Float.floatToRawIntBits(f);
    if (Float.isNaN(f)) {
      int top = bits >>> 16;
      return (short) ((top & 0x7f) == 0 ? top | 0x40 : top);
    }
    int rounding = 0x7FFF + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  public static float fromBf16(short b) {
    return Float.intBitsToFloat((b & 0xFFFF) << 16);
  }

  /** Whether a finite {@code f} overflows float16 (rounds to infinity). */
  public static boolean overflowsHalf(float f) {
    return Float.isFinite(f) && Float.isInfinite(Float.float16ToFloat(Float.floatToFloat16(f)));
  }

  /** Whether a finite {@code f} overflows bfloat16 (rounds to infinity). */
  public static boolean overflowsBf16(float f) {
    return Float.isFinite(f) && Float.isInfinite(fromBf16(toBf16(f)));
  }
}
