package io.github.trt4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InputChecksTest {

  static final List<TensorSpec> SEED =
      List.of(
          TensorSpec.of(0, "__eye_index", Direction.INPUT, DataType.INT64, Shape.of(2)),
          TensorSpec.of(1, "__eye", Direction.INPUT, DataType.FLOAT, Shape.of(2, 36, 60, 1)),
          TensorSpec.of(2, "__frame_index", Direction.INPUT, DataType.INT64, Shape.of(2)),
          TensorSpec.of(3, "landmarks", Direction.OUTPUT, DataType.FLOAT, Shape.of(2, 18, 2)),
          TensorSpec.of(4, "radius", Direction.OUTPUT, DataType.FLOAT, Shape.of(2, 1)));

  static final List<TensorSpec> DYNAMIC =
      List.of(
          new TensorSpec(
              0,
              "x",
              Direction.INPUT,
              DataType.FLOAT,
              Shape.of(-1, 16),
              List.of(ShapeRange.parse("1x16/8x16/16x16")),
              "",
              false),
          TensorSpec.of(1, "y", Direction.OUTPUT, DataType.FLOAT, Shape.of(-1, 4)));

  private static Map<String, float[]> seedFloats() {
    Map<String, float[]> m = new LinkedHashMap<>();
    m.put("__eye", new float[4320]);
    m.put("__frame_index", new float[] {3, 3});
    m.put("__eye_index", new float[] {0, 1});
    return m;
  }

  @Test
  void convertsAndOrdersByEngine() {
    Map<String, Tensor> t = InputChecks.fromFloats(SEED, seedFloats(), 0);
    assertEquals(List.of("__eye_index", "__eye", "__frame_index"), List.copyOf(t.keySet()));
    assertEquals(DataType.INT64, t.get("__eye_index").dataType());
    assertEquals(Shape.of(2, 36, 60, 1), t.get("__eye").shape());
  }

  @Test
  void unknownInputListsValidNames() {
    Map<String, float[]> m = seedFloats();
    m.put("img", new float[1]);
    var e = assertThrows(IllegalArgumentException.class, () -> InputChecks.fromFloats(SEED, m, 0));
    assertEquals(
        "Unknown input 'img'; inputs are [__eye_index, __eye, __frame_index]", e.getMessage());
  }

  @Test
  void outputNameIsNotAnInput() {
    Map<String, float[]> m = seedFloats();
    m.put("landmarks", new float[1]);
    var e = assertThrows(IllegalArgumentException.class, () -> InputChecks.fromFloats(SEED, m, 0));
    assertEquals(
        "'landmarks' is an output, not an input; inputs are [__eye_index, __eye, __frame_index]",
        e.getMessage());
  }

  @Test
  void missingInputsAreListed() {
    Map<String, float[]> m = seedFloats();
    m.remove("__eye_index");
    m.remove("__frame_index");
    var e = assertThrows(IllegalArgumentException.class, () -> InputChecks.fromFloats(SEED, m, 0));
    assertEquals(
        "Missing inputs [__eye_index, __frame_index]; the engine needs"
            + " [__eye_index, __eye, __frame_index]",
        e.getMessage());
  }

  @Test
  void nullDataIsNamed() {
    Map<String, float[]> m = seedFloats();
    m.put("__eye", null);
    var e = assertThrows(IllegalArgumentException.class, () -> InputChecks.fromFloats(SEED, m, 0));
    assertEquals("Input '__eye' is null; expected values of shape [2, 36, 60, 1]", e.getMessage());
  }

  @Test
  void wrongCountNamesExpectedAndGot() {
    Map<String, float[]> m = seedFloats();
    m.put("__eye", new float[2160]);
    var e = assertThrows(IllegalArgumentException.class, () -> InputChecks.fromFloats(SEED, m, 0));
    assertEquals(
        "Input '__eye' needs 4320 values (shape [2, 36, 60, 1], float32); got 2160",
        e.getMessage());
  }

  @Test
  void nonIntegralIndexIsRejected() {
    Map<String, float[]> m = seedFloats();
    m.put("__eye_index", new float[] {0, 0.5f});
    var e = assertThrows(IllegalArgumentException.class, () -> InputChecks.fromFloats(SEED, m, 0));
    assertEquals(
        "Input '__eye_index': Value 0.5 at element 1 is not a valid int64 value", e.getMessage());
  }

  @Test
  void typedPathChecksDataTypeAndShape() {
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("__eye_index", Tensor.ofInts(Shape.of(2), new int[] {0, 1}));
    m.put("__eye", Tensor.ofFloats(Shape.of(2, 36, 60, 1), new float[4320]));
    m.put("__frame_index", Tensor.ofLongs(Shape.of(2), new long[2]));
    var e = assertThrows(IllegalArgumentException.class, () -> InputChecks.checkInputs(SEED, m, 0));
    assertEquals("Input '__eye_index' is int64 [2]; got a int32 tensor", e.getMessage());
    m.put("__eye_index", Tensor.ofLongs(Shape.of(2), new long[2]));
    m.put("__eye", Tensor.ofFloats(Shape.of(1, 36, 60, 2), new float[4320]));
    e = assertThrows(IllegalArgumentException.class, () -> InputChecks.checkInputs(SEED, m, 0));
    assertEquals(
        "Input '__eye' has shape [2, 36, 60, 1] (-1 = any); got [1, 36, 60, 2] (4320 elements)",
        e.getMessage());
  }

  @Test
  void dynamicDimensionComesFromLengthAndProfile() {
    Map<String, Tensor> t = InputChecks.fromFloats(DYNAMIC, Map.of("x", new float[7 * 16]), 0);
    assertEquals(Shape.of(7, 16), t.get("x").shape());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputChecks.fromFloats(DYNAMIC, Map.of("x", new float[17 * 16]), 0));
    assertEquals(
        "Input 'x' shape [17, 16] is outside optimization profile 0: min [1, 16], max [16, 16]",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputChecks.fromFloats(DYNAMIC, Map.of("x", new float[20]), 0));
    assertEquals(
        "Input 'x' has shape [-1, 16]: its length must be a multiple of 16; got 20",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                InputChecks.checkInputs(
                    DYNAMIC, Map.of("x", Tensor.ofFloats(Shape.of(0, 16), new float[0])), 0));
    assertEquals(
        "Input 'x' shape [0, 16] is outside optimization profile 0: min [1, 16], max [16, 16]",
        e.getMessage());
  }

  @Test
  void severalDynamicDimensionsNeedATensor() {
    List<TensorSpec> specs =
        List.of(TensorSpec.of(0, "img", Direction.INPUT, DataType.FLOAT, Shape.of(1, 3, -1, -1)));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InputChecks.fromFloats(specs, Map.of("img", new float[12]), 0));
    assertEquals(
        "Input 'img' has shape [1, 3, -1, -1] with several dynamic dimensions;"
            + " pass a Tensor with its shape instead of a bare array",
        e.getMessage());
  }
}
