package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hardware-compatible plans build, report their level and equal ONNX Runtime; a version-compatible
 * build on a TensorRT without its lean runtime (bytedeco's 10.6 redist) says what to do.
 */
@GpuTest
class CompatibleBuildsGpuTest {

  @Test
  void anAmperePlusPlanRunsAndSaysSo(@TempDir Path dir) throws IOException {
    Path plan = dir.resolve("seed.ampere.engine");
    EngineBuilder.fromOnnx(Path.of("models/test/seed.onnx"))
        .tf32(false)
        .hardwareCompatibility(HardwareCompatibility.AMPERE_PLUS)
        .buildTo(plan);
    try (TrtEngine e = TrtEngine.load(plan);
        Inferer inf = e.createInferer()) {
      assertEquals("ampere+", e.hardwareCompatibility());
      Map<String, Tensor> out = inf.run(InferenceGpuTest.seedInputs());
      for (String name : List.of("landmarks", "radius", "heatmaps")) {
        Reference.assertClose(
            name,
            TestModels.npy("seed.out." + name + ".npy").floats(),
            out.get(name).floats(),
            Reference.FP32_RTOL,
            Reference.FP32_ATOL);
      }
    }
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"))) {
      assertEquals("none", e.hardwareCompatibility());
    }
  }

  @Test
  void aVersionCompatibleBuildWithoutTheLeanRuntimeIsExplained(@TempDir Path dir) {
    EngineBuilder b =
        EngineBuilder.fromOnnx(Path.of("models/test/single.onnx")).versionCompatible(true);
    try {
      b.buildTo(dir.resolve("single.vc.engine"));
      // A full TensorRT installation has libnvinfer_lean: then the plan loads with host code
      // allowed.
      try (TrtEngine e =
          TrtEngine.load(
              dir.resolve("single.vc.engine"), LoadOptions.defaults().allowHostCode(true))) {
        System.out.println(
            "version-compatible plan built and loaded: " + e.tensors().size() + " tensors");
      }
    } catch (TrtException | IOException e) {
      System.out.println("version-compatible build: " + e.getMessage());
      assertTrue(
          e.getMessage().contains("libnvinfer_lean")
              && e.getMessage().contains("full TensorRT installation"),
          e.getMessage());
    }
  }
}
