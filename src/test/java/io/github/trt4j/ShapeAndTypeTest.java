package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ShapeAndTypeTest {

  @Test
  void elementCountAndJoin() {
    Shape s = Shape.of(2, 36, 60, 1);
    assertEquals(4320, s.elementCount());
    assertEquals("2x36x60x1", s.joined());
    assertEquals("[2, 36, 60, 1]", s.toString());
    assertEquals(1, Shape.of().elementCount());
    assertEquals("scalar", Shape.of().joined());
    assertEquals(0, Shape.of(3, 0, 5).elementCount());
  }

  @Test
  void dynamicShapes() {
    Shape d = Shape.of(-1, 16);
    assertTrue(d.isDynamic());
    assertEquals("-1x16", d.joined());
    IllegalStateException e = assertThrows(IllegalStateException.class, d::elementCount);
    assertTrue(e.getMessage().contains("[-1, 16]"), e.getMessage());
    assertTrue(Shape.of(7, 16).matches(d));
    assertFalse(Shape.of(7, 15).matches(d));
    assertFalse(Shape.of(7, 16, 1).matches(d));
  }

  @Test
  void overflowIsAnError() {
    Shape huge = Shape.of(1L << 40, 1L << 40);
    assertThrows(ArithmeticException.class, huge::elementCount);
  }

  @Test
  void parseAndDefensiveCopy() {
    assertEquals(Shape.of(1, 3, 224, 224), Shape.parse("1x3x224x224"));
    assertEquals(Shape.of(), Shape.parse("scalar"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Shape.parse("1xfoo"));
    assertTrue(e.getMessage().contains("1xfoo"));
    long[] dims = {1, 2};
    Shape s = new Shape(dims);
    dims[0] = 9;
    assertEquals(1, s.dim(0));
    s.dims()[1] = 9;
    assertEquals(2, s.dim(1));
    assertThrows(IllegalArgumentException.class, () -> Shape.of(-2));
    assertThrows(IllegalArgumentException.class, () -> Shape.of(1, 1, 1, 1, 1, 1, 1, 1, 1));
  }

  @Test
  void shapeRanges() {
    ShapeRange r = ShapeRange.parse("1x16/8x16/16x16");
    assertTrue(r.contains(Shape.of(16, 16)));
    assertFalse(r.contains(Shape.of(17, 16)));
    assertFalse(r.contains(Shape.of(0, 16)));
    assertEquals("1x16/8x16/16x16", r.toString());
    assertThrows(IllegalArgumentException.class, () -> ShapeRange.parse("8x16/1x16/16x16"));
    assertThrows(IllegalArgumentException.class, () -> ShapeRange.parse("1x16/8x16"));
    assertEquals(ShapeRange.fixed(Shape.of(2, 3)), ShapeRange.parse("2x3"));
  }

  @Test
  void dataTypesMatchTensorRtValuesAndSizes() {
    // nvinfer1::DataType values in NvInferRuntimeBase.h of TensorRT 10.6.
    int[] values = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    DataType[] types = {
      DataType.FLOAT,
      DataType.HALF,
      DataType.INT8,
      DataType.INT32,
      DataType.BOOL,
      DataType.UINT8,
      DataType.FP8,
      DataType.BF16,
      DataType.INT64,
      DataType.INT4
    };
    int[] sizes = {4, 2, 1, 4, 1, 1, 1, 2, 8, 0};
    for (int i = 0; i < values.length; i++) {
      assertEquals(types[i], DataType.fromNative(values[i]));
      assertEquals(sizes[i], types[i].byteSize());
    }
    assertEquals(3, DataType.INT4.bytesFor(5));
    assertEquals(80, DataType.INT64.bytesFor(10));
    assertThrows(IllegalArgumentException.class, () -> DataType.fromNative(42));
    assertEquals(DataType.HALF, DataType.parse("fp16"));
    assertEquals(DataType.INT64, DataType.parse("int64"));
    assertFalse(DataType.FP8.isSupported());
  }

  @Test
  void tensorChecksLengthAndType() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Tensor.ofFloats(Shape.of(2, 3), new float[5]));
    assertEquals("Shape [2, 3] has 6 elements; got an array of 5", e.getMessage());
    Tensor t = Tensor.ofLongs(Shape.of(2), new long[] {4, 5});
    IllegalStateException s = assertThrows(IllegalStateException.class, t::floats);
    assertTrue(
        s.getMessage().contains("int64") && s.getMessage().contains("longs()"), s.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Tensor.ofFloats(Shape.of(-1), new float[1]));
  }

  @Test
  void floatConversionNeverTruncatesSilently() {
    Tensor t = Tensor.fromFloats(DataType.INT64, Shape.of(3), new float[] {0, 41, -7});
    assertArrayEquals(new long[] {0, 41, -7}, t.longs());
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Tensor.fromFloats(DataType.INT32, Shape.of(2), new float[] {1, 2.5f}));
    assertTrue(
        e.getMessage().contains("2.5") && e.getMessage().contains("element 1"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensor.fromFloats(DataType.UINT8, Shape.of(1), new float[] {256}));
    assertThrows(
        IllegalArgumentException.class,
        () -> Tensor.fromFloats(DataType.BOOL, Shape.of(1), new float[] {2}));
    Tensor u = Tensor.fromFloats(DataType.UINT8, Shape.of(2), new float[] {255, 3});
    assertArrayEquals(new float[] {255, 3}, u.toFloats());
    Tensor b = Tensor.fromFloats(DataType.BOOL, Shape.of(2), new float[] {1, 0});
    assertArrayEquals(new boolean[] {true, false}, b.booleans());
    assertArrayEquals(new float[] {1, 0}, b.toFloats());
  }
}
