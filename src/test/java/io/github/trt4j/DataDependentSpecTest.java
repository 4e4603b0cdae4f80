package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Data-dependent outputs without a GPU: specs, the describe() table, the output limit. */
class DataDependentSpecTest {

  static TensorSpec spec(int i, String name, TensorSpec.Direction d, Shape s, boolean dds) {
    return new TensorSpec(i, name, d, DataType.INT64, s, List.of(), "", false, dds);
  }

  @Test
  void describeMarksDataDependentOutputs() {
    List<TensorSpec> specs =
        List.of(
            spec(0, "x", TensorSpec.Direction.INPUT, Shape.of(-1), false),
            spec(1, "indices", TensorSpec.Direction.OUTPUT, Shape.of(-1, 1), true),
            spec(2, "relu", TensorSpec.Direction.OUTPUT, Shape.of(-1), false));
    String table = TrtEngine.describe(specs);
    System.out.println(table);
    List<String> lines = table.lines().toList();
    assertTrue(lines.get(2).contains("indices") && lines.get(2).endsWith("data-dependent shape"));
    assertFalse(lines.get(1).contains("data-dependent"), lines.get(1));
    assertFalse(lines.get(3).contains("data-dependent"), lines.get(3));
    assertTrue(lines.get(4).startsWith("(-1 in a data-dependent shape"), table);
    assertTrue(specs.get(1).toString().endsWith("(data-dependent)"), specs.get(1).toString());
    // Without data-dependent outputs the table is as before: no note.
    String plain = TrtEngine.describe(List.of(specs.get(0), specs.get(2)));
    assertEquals(3, plain.lines().count(), plain);
  }

  @Test
  void onlyOutputsWithAnUnknownDimensionCanBeDataDependent() {
    IllegalArgumentException in =
        assertThrows(
            IllegalArgumentException.class,
            () -> spec(0, "x", TensorSpec.Direction.INPUT, Shape.of(-1), true));
    assertTrue(in.getMessage().contains("INPUT"), in.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> spec(1, "y", TensorSpec.Direction.OUTPUT, Shape.of(4, 1), true));
    // The eight-component constructor keeps its meaning: not data-dependent.
    TensorSpec old =
        new TensorSpec(
            1,
            "y",
            TensorSpec.Direction.OUTPUT,
            DataType.FLOAT,
            Shape.of(-1),
            List.of(),
            "",
            false);
    assertFalse(old.dataDependent());
  }

  @Test
  void theOutputLimitIsCheckedAndKeptByTheOtherSetters() {
    assertEquals(1L << 30, InfererOptions.defaults().maxOutputBytes());
    InfererOptions o = InfererOptions.defaults().withMaxOutputBytes(4096);
    assertEquals(4096, o.withCudaGraphs(true).withProfile(1).maxOutputBytes());
    assertEquals(
        4096, o.withActivation(InfererOptions.Activation.ON_PROFILE_CHANGE).maxOutputBytes());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> o.withMaxOutputBytes(0));
    assertTrue(e.getMessage().contains("maxOutputBytes"), e.getMessage());
  }
}
