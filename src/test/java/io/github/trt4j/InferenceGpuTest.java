package io.github.trt4j;

import static io.github.trt4j.Reference.FP16_ATOL;
import static io.github.trt4j.Reference.FP16_RTOL;
import static io.github.trt4j.Reference.FP32_ATOL;
import static io.github.trt4j.Reference.FP32_RTOL;
import static io.github.trt4j.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@GpuTest
class InferenceGpuTest {

  static Map<String, Tensor> seedInputs() throws IOException {
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put("__eye_index", TestModels.npy("seed.in.eye_index.npy"));
    in.put("__eye", TestModels.npy("seed.in.eye.npy"));
    in.put("__frame_index", TestModels.npy("seed.in.frame_index.npy"));
    return in;
  }

  @Test
  void seedTableListsTheNineBindings() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"))) {
      String table = e.describe();
      System.out.println(table);
      List<String> rows = table.lines().skip(1).map(l -> l.trim().replaceAll("\\s+", " ")).toList();
      List<String> expected =
          List.of(
              "0 __eye_index 2 input int64",
              "1 __eye 2x36x60x1 input float32",
              "2 __frame_index 2 input int64",
              "3 landmarks 2x18x2 output float32",
              "4 radius 2x1 output float32",
              "5 heatmaps 2x36x60x18 output float32",
              "6 eye 2x36x60x1 output float32",
              "7 frame_index 2 output int64",
              "8 eye_index 2 output int64");
      assertEquals(expected, rows);
      assertEquals(TrtEngine.tensorRtVersion(), e.planHeader().version());
      assertTrue(e.deviceMemorySize() >= 0);
    }
  }

  @Test
  void seedMatchesOnnxRuntimeOnTypedPath() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer inf = e.createInferer()) {
      Map<String, Tensor> in = seedInputs();
      Map<String, Tensor> out = inf.run(in);
      assertEquals(
          List.of("landmarks", "radius", "heatmaps", "eye", "frame_index", "eye_index"),
          List.copyOf(out.keySet()));
      for (String name : List.of("landmarks", "radius", "heatmaps")) {
        Tensor want = TestModels.npy("seed.out." + name + ".npy");
        assertEquals(want.shape(), out.get(name).shape(), name);
        assertClose(name, want.floats(), out.get(name).floats(), FP32_RTOL, FP32_ATOL);
      }
      assertArrayEquals(in.get("__eye").floats(), out.get("eye").floats());
      assertArrayEquals(in.get("__frame_index").longs(), out.get("frame_index").longs());
      assertArrayEquals(in.get("__eye_index").longs(), out.get("eye_index").longs());
    }
  }

  @Test
  void seedConveniencePathConvertsInt64() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer inf = e.createInferer()) {
      Map<String, float[]> in = new LinkedHashMap<>();
      seedInputs().forEach((k, v) -> in.put(k, v.toFloats()));
      Map<String, float[]> out = inf.infer(in);
      assertClose(
          "landmarks",
          TestModels.npy("seed.out.landmarks.npy").floats(),
          out.get("landmarks"),
          FP32_RTOL,
          FP32_ATOL);
      assertArrayEquals(new float[] {41, 41}, out.get("frame_index"));
      assertArrayEquals(new float[] {0, 1}, out.get("eye_index"));
    }
  }

  @Test
  void dynamicBatchOneSevenSixteen() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("dynamic"));
        Inferer inf = e.createInferer()) {
      assertEquals(Shape.of(-1, 16), e.tensor("x").shape());
      assertEquals(ShapeRange.parse("1x16/8x16/16x16"), e.tensor("x").profile(0));
      for (int b : new int[] {1, 7, 16}) {
        Tensor x = TestModels.npy("dynamic.in.x.b" + b + ".npy");
        Tensor want = TestModels.npy("dynamic.out.y.b" + b + ".npy");
        Tensor y = inf.run(Map.of("x", x)).get("y");
        assertEquals(Shape.of(b, 4), y.shape());
        assertClose("y batch " + b, want.floats(), y.floats(), FP32_RTOL, FP32_ATOL);
        float[] flat = inf.infer(Map.of("x", x.floats())).get("y");
        assertClose("y batch " + b + " (float path)", want.floats(), flat, FP32_RTOL, FP32_ATOL);
      }
      // Back to a smaller batch: buffers are reused, results still right.
      Tensor x1 = TestModels.npy("dynamic.in.x.b1.npy");
      assertClose(
          "y batch 1 again",
          TestModels.npy("dynamic.out.y.b1.npy").floats(),
          inf.run(Map.of("x", x1)).get("y").floats(),
          FP32_RTOL,
          FP32_ATOL);
      var err =
          assertThrows(
              IllegalArgumentException.class, () -> inf.infer(Map.of("x", new float[17 * 16])));
      assertTrue(err.getMessage().contains("outside optimization profile 0"), err.getMessage());
    }
  }

  @Test
  void mixedDataTypes() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("mixed"));
        Inferer inf = e.createInferer()) {
      assertEquals(DataType.HALF, e.tensor("h").dataType());
      assertEquals(DataType.HALF, e.tensor("h2").dataType());
      assertEquals(DataType.INT32, e.tensor("floor4").dataType());
      assertEquals(DataType.INT64, e.tensor("argmax").dataType());
      assertEquals(DataType.BOOL, e.tensor("positive").dataType());
      Tensor h = TestModels.npy("mixed.in.h.npy");
      Map<String, Tensor> out = inf.run(Map.of("h", h));
      // h*2+1 is exact in float16 for these inputs' magnitudes up to one rounding: 1 ulp at 5 is
      // 2^-8.
      assertClose(
          "h2", TestModels.npy("mixed.out.h2.npy").floats(), out.get("h2").floats(), 0, 4e-3);
      assertArrayEquals(TestModels.npy("mixed.out.floor4.npy").ints(), out.get("floor4").ints());
      assertArrayEquals(TestModels.npy("mixed.out.argmax.npy").longs(), out.get("argmax").longs());
      assertArrayEquals(
          TestModels.npy("mixed.out.positive.npy").booleans(), out.get("positive").booleans());
      // Wrong dtype on the typed path is caught before native code.
      var err =
          assertThrows(
              IllegalArgumentException.class,
              () -> inf.run(Map.of("h", Tensor.ofFloats(h.shape(), h.floats()))));
      assertEquals("Input 'h' is float16 [4, 8]; got a float32 tensor", err.getMessage());
    }
  }

  @Test
  void singleInputSingleOutputFp32AndFp16() throws IOException {
    Tensor x = TestModels.npy("single.in.input.npy");
    Tensor want = TestModels.npy("single.out.output.npy");
    try (TrtEngine e = TrtEngine.load(TestModels.engine("single"));
        Inferer inf = e.createInferer()) {
      assertClose(
          "output fp32",
          want.floats(),
          inf.infer(Map.of("input", x.floats())).get("output"),
          FP32_RTOL,
          FP32_ATOL);
    }
    byte[] fp16 = EngineBuilder.fromOnnx(TestModels.onnx("single")).fp16(true).build();
    try (TrtEngine e = TrtEngine.load(fp16);
        Inferer inf = e.createInferer()) {
      float[] got = inf.infer(Map.of("input", x.floats())).get("output");
      System.out.println(
          "single fp16 engine: max abs error " + Reference.maxAbs(want.floats(), got));
      assertClose("output fp16", want.floats(), got, FP16_RTOL, FP16_ATOL);
    }
  }
}
