package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.HostCodec;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** Values that do not fit the target type are refused, never wrapped or turned into infinity. */
class TensorRangeTest {

  @Test
  void int32EdgesAreExact() {
    // (float) Integer.MAX_VALUE is 2^31: it must not wrap to -2^31.
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tensor.fromFloats(DataType.INT32, Shape.of(2), new float[] {1, 2147483648f}));
    assertEquals("Value 2.147483648E9 at element 1 is not a valid int32 value", e.getMessage());
    float below = Math.nextDown(2147483648f); // 2147483520
    assertArrayEquals(
        new int[] {-2147483648, 2147483520},
        Tensor.fromFloats(DataType.INT32, Shape.of(2), new float[] {-2147483648f, below}).ints());
    assertThrows(
        IllegalArgumentException.class,
        () ->
            Tensor.fromFloats(
                DataType.INT32, Shape.of(1), new float[] {Math.nextDown(-2147483648f)}));
  }

  @Test
  void int64EdgesAreExact() {
    // Long.MAX_VALUE as a float or double is 2^63, one past the largest int64.
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensor.fromFloats(DataType.INT64, Shape.of(1), new float[] {0x1p63f}));
    assertArrayEquals(
        new long[] {Long.MIN_VALUE, (long) Math.nextDown(0x1p63f)},
        Tensor.fromFloats(
                DataType.INT64, Shape.of(2), new float[] {-0x1p63f, Math.nextDown(0x1p63f)})
            .longs());
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensor.fromFloats(DataType.INT64, Shape.of(1), new float[] {Float.NaN}));
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensor.fromFloats(DataType.INT8, Shape.of(1), new float[] {Float.POSITIVE_INFINITY}));
  }

  @Test
  void float16OverflowIsRefusedButInfinityAndNanAreKept() {
    Tensor ok =
        Tensor.fromFloats(
            DataType.HALF,
            Shape.of(4),
            new float[] {65504f, Float.POSITIVE_INFINITY, Float.NaN, -65519.99f});
    assertEquals(4, ok.size());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tensor.ofHalfs(Shape.of(3), new float[] {1, 2, 65520f}));
    assertEquals(
        "Value 65520.0 at element 2 is beyond the float16 range (largest finite 65504);"
            + " it would become infinity",
        e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensor.fromFloats(DataType.HALF, Shape.of(1), new float[] {-1e5f}));
    // An array changed after the tensor was made is caught where it is encoded.
    float[] data = {1, 2};
    Tensor t = Tensor.ofHalfs(Shape.of(2), data);
    data[1] = 1e6f;
    var x =
        assertThrows(
            IllegalArgumentException.class,
            () -> HostCodec.encode(t, MemorySegment.ofArray(new byte[4])));
    assertTrue(
        x.getMessage().startsWith("Value 1000000.0 at element 1 is beyond the float16 range"),
        x.getMessage());
  }

  @Test
  void bfloat16OverflowIsRefused() {
    // 3.3895314e38 is bf16's largest finite value; Float.MAX_VALUE rounds past it.
    Tensor.ofBf16s(Shape.of(2), new float[] {3.3895314e38f, Float.NEGATIVE_INFINITY});
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tensor.fromFloats(DataType.BF16, Shape.of(1), new float[] {Float.MAX_VALUE}));
    assertTrue(
        e.getMessage().startsWith("Value 3.4028235E38 at element 0 is beyond the bfloat16 range"),
        e.getMessage());
  }

  @Test
  void float16NanPayloadsSurviveARoundTrip() {
    for (int bits : new int[] {0x7c01, 0x7d00, 0xfe00, 0x7fff, 0x7e55}) {
      short h = (short) bits;
      assertEquals(
          h,
          io.github.trt4j.internal.format.Fp16.toHalf(
              io.github.trt4j.internal.format.Fp16.fromHalf(h)),
          Integer.toHexString(bits));
    }
  }
}
