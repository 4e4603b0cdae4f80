package io.github.trt4j.triton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import io.github.trt4j.triton.proto.TritonModelConfig.ModelConfig;
import io.github.trt4j.triton.proto.TritonModelConfig.ModelInstanceGroup;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every config is parsed back with protobuf's TextFormat into the project's ModelConfig schema. */
class TritonConfigTest {

  static TensorSpec in(int i, String name, DataType t, Shape s, ShapeRange... profiles) {
    return new TensorSpec(i, name, Direction.INPUT, t, s, List.of(profiles), "", false);
  }

  static TensorSpec out(int i, String name, DataType t, Shape s) {
    return TensorSpec.of(i, name, Direction.OUTPUT, t, s);
  }

  /** A batch-dynamic image model with two profiles: batch 1..8 and 8..32. */
  static List<TensorSpec> batched() {
    return List.of(
        in(
            0,
            "images",
            DataType.HALF,
            Shape.of(-1, 3, 224, 224),
            ShapeRange.parse("1x3x224x224/4x3x224x224/8x3x224x224"),
            ShapeRange.parse("8x3x224x224/16x3x224x224/32x3x224x224")),
        in(
            1,
            "scale",
            DataType.FLOAT,
            Shape.of(-1, 1),
            ShapeRange.parse("1x1/4x1/8x1"),
            ShapeRange.parse("8x1/16x1/32x1")),
        out(2, "logits", DataType.FLOAT, Shape.of(-1, 1000)),
        out(3, "top", DataType.INT64, Shape.of(-1)));
  }

  static ModelConfig parse(String text) throws TextFormat.ParseException {
    ModelConfig.Builder b = ModelConfig.newBuilder();
    TextFormat.getParser().merge(text, b);
    return b.build();
  }

  @Test
  void batchedConfigDropsTheBatchDimensionAndListsEveryProfile() throws Exception {
    TritonOptions o =
        TritonOptions.named("resnet")
            .withMaxBatchSize(32)
            .withDynamicBatching(true, 500)
            .withInstances(2);
    ModelConfig c = parse(TritonConfig.render(batched(), 2, o));
    assertEquals("resnet", c.getName());
    assertEquals("tensorrt_plan", c.getPlatform());
    assertEquals(32, c.getMaxBatchSize());
    assertEquals(2, c.getInputCount());
    assertEquals("images", c.getInput(0).getName());
    assertEquals("TYPE_FP16", c.getInput(0).getDataType().name());
    assertEquals(List.of(3L, 224L, 224L), c.getInput(0).getDimsList());
    assertEquals(List.of(1L), c.getInput(1).getDimsList());
    assertEquals("TYPE_FP32", c.getOutput(0).getDataType().name());
    assertEquals(List.of(1000L), c.getOutput(0).getDimsList());
    // A batch-only output has no dims left: it travels as [1], reshaped to the engine's [].
    assertEquals(List.of(1L), c.getOutput(1).getDimsList());
    assertTrue(c.getOutput(1).hasReshape());
    assertEquals(0, c.getOutput(1).getReshape().getShapeCount());
    assertEquals("TYPE_INT64", c.getOutput(1).getDataType().name());
    assertTrue(c.hasDynamicBatching());
    assertEquals(500, c.getDynamicBatching().getMaxQueueDelayMicroseconds());
    ModelInstanceGroup g = c.getInstanceGroup(0);
    assertEquals(ModelInstanceGroup.Kind.KIND_GPU, g.getKind());
    assertEquals(2, g.getCount());
    assertEquals(List.of("0", "1"), g.getProfileList());
  }

  @Test
  void unbatchedConfigKeepsFullShapesWithDynamicDims() throws Exception {
    List<TensorSpec> t =
        List.of(
            in(0, "__eye", DataType.FLOAT, Shape.of(2, 36, 60, 1)),
            in(1, "tokens", DataType.INT32, Shape.of(1, -1), ShapeRange.parse("1x1/1x64/1x512")),
            out(2, "heatmaps", DataType.FLOAT, Shape.of(2, 18, 36, 60)),
            out(3, "mask", DataType.BOOL, Shape.of(1, -1)),
            out(4, "q", DataType.INT8, Shape.of(4)),
            out(5, "u", DataType.UINT8, Shape.of(4)),
            out(6, "b", DataType.BF16, Shape.of(4)));
    ModelConfig c = parse(TritonConfig.render(t, 1, TritonOptions.named("gaze")));
    assertEquals(0, c.getMaxBatchSize());
    assertEquals(List.of(2L, 36L, 60L, 1L), c.getInput(0).getDimsList());
    assertEquals(List.of(1L, -1L), c.getInput(1).getDimsList());
    assertEquals(
        List.of("TYPE_BOOL", "TYPE_INT8", "TYPE_UINT8", "TYPE_BF16"),
        c.getOutputList().subList(1, 5).stream().map(x -> x.getDataType().name()).toList());
    assertEquals("TYPE_INT32", c.getInput(1).getDataType().name());
    assertFalse(c.hasDynamicBatching());
    // One profile: nothing to choose, so no profile list.
    assertEquals(0, c.getInstanceGroup(0).getProfileCount());
    assertEquals(1, c.getInstanceGroup(0).getCount());
  }

  @Test
  void oddTensorNamesSurviveTheRoundTrip() throws Exception {
    String name = "a \"quoted\" \\ name\twith tab/ünïcode";
    List<TensorSpec> t =
        List.of(in(0, name, DataType.FLOAT, Shape.of(3)), out(1, "y", DataType.FLOAT, Shape.of(3)));
    assertEquals(
        name, parse(TritonConfig.render(t, 1, TritonOptions.named("m"))).getInput(0).getName());
  }

  @Test
  void batchingNeedsADynamicFirstDimension() {
    List<TensorSpec> t =
        List.of(
            in(0, "x", DataType.FLOAT, Shape.of(4, 3)),
            out(1, "y", DataType.FLOAT, Shape.of(-1, 3)));
    var e =
        assertThrows(
            UnservableModelException.class,
            () -> TritonConfig.render(t, 1, TritonOptions.named("m").withMaxBatchSize(4)));
    assertEquals(1, e.reasons().size(), e.reasons().toString());
    assertTrue(e.getMessage().contains("input 'x' has shape [4, 3]"), e.getMessage());
    assertTrue(e.getMessage().contains("--max-batch-size 0"), e.getMessage());
  }

  @Test
  void batchSizesNoProfileAcceptsAreRefused() {
    // Profile 0 takes 1..8, profile 1 takes 8..32: max batch 64 leaves 33..64 unserved.
    var e =
        assertThrows(
            UnservableModelException.class,
            () -> TritonConfig.render(batched(), 2, TritonOptions.named("m").withMaxBatchSize(64)));
    assertTrue(
        e.getMessage().contains("no optimization profile accepts batch size 33"), e.getMessage());
    assertTrue(e.getMessage().contains("images [1..8, 8..32]"), e.getMessage());
    // With only profile 0 exposed, batch 9 is the first gap.
    e =
        assertThrows(
            UnservableModelException.class,
            () -> TritonConfig.render(batched(), 1, TritonOptions.named("m").withMaxBatchSize(16)));
    assertTrue(e.getMessage().contains("batch size 9"), e.getMessage());
    // A profile whose smallest batch is 2 leaves batch 1 unserved.
    List<TensorSpec> min2 =
        List.of(
            in(0, "x", DataType.FLOAT, Shape.of(-1, 3), ShapeRange.parse("2x3/4x3/8x3")),
            out(1, "y", DataType.FLOAT, Shape.of(-1, 3)));
    e =
        assertThrows(
            UnservableModelException.class,
            () -> TritonConfig.render(min2, 1, TritonOptions.named("m").withMaxBatchSize(8)));
    assertTrue(e.getMessage().contains("batch size 1 "), e.getMessage());
  }

  @Test
  void everyProblemIsListedAtOnce() {
    List<TensorSpec> t =
        List.of(
            in(0, "x", DataType.FP8, Shape.of(3)),
            new TensorSpec(
                1, "v", Direction.INPUT, DataType.HALF, Shape.of(8), List.of(), "CHW16", true),
            out(2, "y", DataType.INT4, Shape.of(4)));
    var e =
        assertThrows(
            UnservableModelException.class,
            () -> TritonConfig.render(t, 1, TritonOptions.named("m").withDynamicBatching(true, 0)));
    List<String> r = e.reasons();
    assertEquals(4, r.size(), r.toString());
    assertTrue(r.get(0).startsWith("dynamic batching needs a max batch size"), r.toString());
    assertTrue(r.get(1).contains("input 'x' is fp8"), r.toString());
    assertTrue(r.get(2).contains("vectorized layout CHW16"), r.toString());
    assertTrue(r.get(3).contains("output 'y' is int4"), r.toString());
  }

  @Test
  void optionsRejectBadValues() {
    assertThrows(IllegalArgumentException.class, () -> TritonOptions.named("../etc"));
    assertThrows(IllegalArgumentException.class, () -> TritonOptions.named(".hidden"));
    assertThrows(IllegalArgumentException.class, () -> TritonOptions.named("m").withInstances(0));
    assertThrows(
        IllegalArgumentException.class, () -> TritonOptions.named("m").withMaxBatchSize(-1));
  }
}
