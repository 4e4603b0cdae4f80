package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/** Element-wise comparison with a reference: |got - want| <= atol + rtol * |want|. */
final class Reference {

  /** Strict FP32 engines (TF32 off) against ONNX Runtime's FP32 results. */
  static final double FP32_RTOL = 1e-3;

  static final double FP32_ATOL = 1e-4;

  /** FP16 engines against FP32 references. */
  static final double FP16_RTOL = 1e-2;

  static final double FP16_ATOL = 1e-2;

  private Reference() {}

  static void assertClose(String what, float[] want, float[] got, double rtol, double atol) {
    assertEquals(want.length, got.length, what + ": length");
    int bad = 0;
    int first = -1;
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      double err = Math.abs((double) got[i] - want[i]);
      if (Float.isNaN(got[i]) || err > atol + rtol * Math.abs(want[i])) {
        if (first < 0) {
          first = i;
        }
        bad++;
      }
      worst = Math.max(worst, err);
    }
    if (bad > 0) {
      fail(
          String.format(
              "%s: %d of %d elements off (first at %d: want %g, got %g; max abs err %g)",
              what, bad, want.length, first, want[first], got[first], worst));
    }
  }

  static double maxAbs(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < a.length; i++) {
      m = Math.max(m, Math.abs((double) a[i] - b[i]));
    }
    return m;
  }
}
