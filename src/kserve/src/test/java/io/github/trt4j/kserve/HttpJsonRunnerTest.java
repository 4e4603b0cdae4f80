package io.github.trt4j.kserve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.DataType;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every REST test again with tensors as JSON data lists both ways (binaryTensors off). */
class HttpJsonRunnerTest extends HttpRunnerTest {

  @Override
  Runner open(String model, KServeOptions options) {
    return super.open(model, options.withBinaryTensors(false));
  }

  /**
   * JSON carries no infinity: the FP16 overflow case is replaced; the rest is the binary test's.
   */
  @Override
  @Test
  void everyDataTypeRoundTrips() throws Exception {
    try (Runner r = open("echo")) {
      Map<String, Tensor> in = new LinkedHashMap<>(everyType());
      in.put(
          "in_FP16",
          Tensor.ofHalfs(Shape.of(2, 3), new float[] {1f / 3, 0.5f, -65504f, 1f, 2049f, 6e-8f}));
      Map<String, Tensor> out = r.run(in);
      assertArrayEquals(in.get("in_FP32").floats(), out.get("out_FP32").floats());
      assertArrayEquals(
          new float[] {0.333251953125f, 0.5f, -65504f, 1f, 2048f, 0x1p-24f},
          out.get("out_FP16").floats());
      assertArrayEquals(
          new float[] {0.333984375f, 1f, 1.015625f, -3f, 1.578125f * 0x1p99f, 0f},
          out.get("out_BF16").floats());
      assertArrayEquals(in.get("in_INT8").bytes(), out.get("out_INT8").bytes());
      assertArrayEquals(in.get("in_UINT8").bytes(), out.get("out_UINT8").bytes());
      assertEquals(DataType.UINT8, out.get("out_UINT8").dataType());
      assertArrayEquals(in.get("in_INT32").ints(), out.get("out_INT32").ints());
      assertArrayEquals(in.get("in_INT64").longs(), out.get("out_INT64").longs());
      assertArrayEquals(in.get("in_BOOL").booleans(), out.get("out_BOOL").booleans());
    }
  }

  @Test
  void infinityCannotGoAsJson() throws Exception {
    try (Runner r = open("affine")) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  r.run(
                      Map.of(
                          "x", Tensor.ofFloats(Shape.of(1, 4), new float[] {0, Float.NaN, 0, 0}))));
      assertTrue(e.getMessage().contains("Input 'x' has NaN at element 1"), e.getMessage());
    }
  }

  @Override
  String shortOutputMessage() {
    return "output 'y' has 7 values in 'data'; shape [2, 4] needs 8";
  }

  /** The framing failures are about the binary extension, which this mode does not use. */
  @Override
  @Test
  void brokenFramingIsABadResponse() {}
}
