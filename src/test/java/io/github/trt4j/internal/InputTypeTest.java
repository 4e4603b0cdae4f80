package io.github.trt4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A tensor of another type with the same element size (int32 for float32, uint8 for bool, int8 for
 * uint8, bf16 for half) is refused: comparing types by byte size would let the bits through
 * reinterpreted. Mutation testing found no test that failed for that bug.
 */
class InputTypeTest {

  @Test
  void sameSizeOtherTypeIsRefused() {
    Object[][] cases = {
      {DataType.FLOAT, Tensor.ofInts(Shape.of(2), new int[] {1, 2})},
      {DataType.INT32, Tensor.ofFloats(Shape.of(2), new float[] {1, 2})},
      {DataType.BOOL, Tensor.ofBytes(DataType.UINT8, Shape.of(2), new byte[] {0, 1})},
      {DataType.UINT8, Tensor.ofBytes(DataType.INT8, Shape.of(2), new byte[] {0, 1})},
      {DataType.HALF, Tensor.ofBf16s(Shape.of(2), new float[] {0, 1})},
    };
    for (Object[] c : cases) {
      DataType want = (DataType) c[0];
      Tensor got = (Tensor) c[1];
      List<TensorSpec> specs =
          List.of(
              TensorSpec.of(0, "x", Direction.INPUT, want, Shape.of(2)),
              TensorSpec.of(1, "y", Direction.OUTPUT, DataType.FLOAT, Shape.of(2)));
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> InputChecks.checkInputs(specs, Map.of("x", got), 0),
              want + " <- " + got);
      assertEquals(
          "Input 'x' is "
              + want.displayName()
              + " [2]; got a "
              + got.dataType().displayName()
              + " tensor",
          e.getMessage());
    }
  }
}
