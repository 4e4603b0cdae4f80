package io.github.trt4j.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.internal.format.Fp16;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

class CodecTest {

  @Test
  void halfRoundsToNearestEven() {
    // Reference bit patterns from IEEE 754 binary16.
    assertEquals((short) 0x3C00, Fp16.toHalf(1f));
    assertEquals((short) 0x7BFF, Fp16.toHalf(65504f));
    assertEquals((short) 0x7C00, Fp16.toHalf(65520f)); // rounds up to infinity
    assertEquals((short) 0x3C00, Fp16.toHalf(1f + 0x1p-11f)); // tie -> even (down)
    assertEquals((short) 0x3C02, Fp16.toHalf(1f + 3 * 0x1p-11f)); // tie -> even (up)
    assertEquals((short) 0x0001, Fp16.toHalf(0x1p-24f)); // smallest subnormal
    assertEquals(-2f, Fp16.fromHalf((short) 0xC000));
    assertTrue(Float.isNaN(Fp16.fromHalf(Fp16.toHalf(Float.NaN))));
  }

  @Test
  void bf16RoundsToNearestEven() {
    assertEquals((short) 0x3F80, Fp16.toBf16(1f));
    assertEquals((short) 0x3F80, Fp16.toBf16(Float.intBitsToFloat(0x3F808000))); // tie -> even
    assertEquals((short) 0x3F82, Fp16.toBf16(Float.intBitsToFloat(0x3F818000))); // tie -> even
    assertEquals((short) 0x3F81, Fp16.toBf16(Float.intBitsToFloat(0x3F808001))); // above tie
    assertEquals((short) 0x7F80, Fp16.toBf16(Float.POSITIVE_INFINITY));
    assertTrue(Float.isNaN(Fp16.fromBf16(Fp16.toBf16(Float.NaN))));
    assertEquals(3.140625f, Fp16.fromBf16(Fp16.toBf16(3.14159f)));
  }

  @Test
  void encodesLittleEndianPackedElements() {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment m = arena.allocate(64);
      assertEquals(16, HostCodec.encode(Tensor.ofLongs(Shape.of(2), new long[] {1, -2}), m));
      assertArrayEquals(
          new byte[] {1, 0, 0, 0, 0, 0, 0, 0, -2, -1, -1, -1, -1, -1, -1, -1},
          m.asSlice(0, 16).toArray(ValueLayout.JAVA_BYTE));
      assertEquals(4, HostCodec.encode(Tensor.ofHalfs(Shape.of(2), new float[] {1f, -2f}), m));
      assertArrayEquals(
          new byte[] {0x00, 0x3C, 0x00, (byte) 0xC0},
          m.asSlice(0, 4).toArray(ValueLayout.JAVA_BYTE));
      assertEquals(
          3,
          HostCodec.encode(Tensor.ofBooleans(Shape.of(3), new boolean[] {true, false, true}), m));
      assertArrayEquals(new byte[] {1, 0, 1}, m.asSlice(0, 3).toArray(ValueLayout.JAVA_BYTE));
    }
  }

  @Test
  void roundTripsEveryType() {
    Shape s = Shape.of(2, 2);
    Tensor[] all = {
      Tensor.ofFloats(s, new float[] {1.5f, -2f, 0f, 1e-3f}),
      Tensor.ofHalfs(s, new float[] {1.5f, -2f, 0f, 0.25f}),
      Tensor.ofBf16s(s, new float[] {1.5f, -2f, 0f, 0.25f}),
      Tensor.ofInts(s, new int[] {1, -2, Integer.MAX_VALUE, Integer.MIN_VALUE}),
      Tensor.ofLongs(s, new long[] {1, -2, Long.MAX_VALUE, Long.MIN_VALUE}),
      Tensor.ofBytes(DataType.INT8, s, new byte[] {1, -2, 127, -128}),
      Tensor.ofBytes(DataType.UINT8, s, new byte[] {1, (byte) 200, 127, (byte) 255}),
      Tensor.ofBooleans(s, new boolean[] {true, false, false, true}),
    };
    try (Arena arena = Arena.ofConfined()) {
      for (Tensor t : all) {
        MemorySegment m = arena.allocate(64);
        long bytes = HostCodec.encode(t, m);
        assertEquals(t.dataType().byteSize() * 4L, bytes, t.toString());
        Tensor back = HostCodec.decode(t.dataType(), s, m);
        assertEquals(t.dataType(), back.dataType());
        assertArrayEquals(t.toFloats(), back.toFloats(), t.toString());
      }
    }
  }
}
