package io.github.trt4j.internal.format;

import io.github.trt4j.DataType;

/**
 * Whether float values fit a 16-bit float type (FP16, BF16), and the message when one does not:
 * shared by {@code Tensor}'s checks and the host codec, so that neither depends on the other.
 */
public final class HalfRange {

  private HalfRange() {}

  /** {@return the index of the first value of {@code f} beyond {@code type}'s range, or -1} */
  public static int firstOverflow(DataType type, float[] f) {
    for (int i = 0; i < f.length; i++) {
      if (type == DataType.HALF ? Fp16.overflowsHalf(f[i]) : Fp16.overflowsBf16(f[i])) {
        return i;
      }
    }
    return -1;
  }

  /** {@return the message for value {@code i} of {@code f}, beyond {@code type}'s range} */
  public static String overflowMessage(DataType type, float[] f, int i) {
    return "Value "
        + f[i]
        + " at element "
        + i
        + " is beyond the "
        + type.displayName()
        + " range (largest finite "
        + (type == DataType.HALF ? "65504" : "3.3895314e38")
        + "); it would become infinity";
  }
}
