package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.EngineBuilder;
import io.github.trt4j.GpuTest;
import io.github.trt4j.Npy;
import io.github.trt4j.Tensor;
import io.github.trt4j.TrtEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@GpuTest
class GazeMlGpuTest {

  static final Path MODEL = Path.of("models", "gazeml", "elg.onnx");

  /** The runner's standard output; fails with its error output unless it exits 0. */
  static String runner(String... args) {
    PipelineGpuTest.Run r = PipelineGpuTest.runner(args);
    assertEquals(0, r.code(), r.err());
    return r.out();
  }

  @Test
  void strictFp32EngineMatchesOnnxRuntime() throws Exception {
    Map<String, Tensor> ref = Npy.readNpz(Path.of("models", "gazeml", "elg_reference.npz"));
    byte[] plan = EngineBuilder.fromOnnx(MODEL).tf32(false).build();
    try (TrtEngine e = TrtEngine.load(plan);
        EyeModel p = new EyeModel(e)) {
      float[] input = ref.get("input").floats();
      float[][] got = p.inferNormalized(input, 8);
      float[] lms = ref.get("landmarks").floats();
      float[] radius = ref.get("radius").floats();
      double worstL = 0;
      double worstR = 0;
      for (int k = 0; k < 8; k++) {
        for (int j = 0; j < 36; j++) {
          worstL = Math.max(worstL, Math.abs(got[k][j] - lms[k * 36 + j]));
        }
        worstR = Math.max(worstR, Math.abs(got[k][36] - radius[k]) / Math.abs(radius[k]));
      }
      System.out.printf(
          "ELG engine vs ONNX Runtime: landmarks max abs %.2e px, radius max rel %.2e%n",
          worstL, worstR);
      assertTrue(worstL <= 1e-2, "landmarks off by " + worstL + " px");
      assertTrue(worstR <= 1e-3, "radius off by " + worstR);
    }
  }

  @Test
  void heldOutAccuracyThroughTheRunner(@TempDir Path out) throws Exception {
    String log =
        runner(
            "--onnx",
            MODEL.toString(),
            "--evaluate",
            "models/gazeml/heldout.npz",
            "-o",
            out.toString());
    String metrics = Files.readString(out.resolve("heldout-metrics.json"));
    double lm = number(metrics, "landmark_error_px");
    double radius = number(metrics, "radius_error_rel");
    double gaze = number(metrics, "gaze_error_deg");
    System.out.println("held-out metrics " + metrics.trim());
    // The README's figures: 0.94 px, 2.7 %, 3.2 degrees (or better).
    assertTrue(lm <= 0.945, "mean landmark error " + lm + " px");
    assertTrue(radius <= 0.0275, "mean radius error " + radius);
    assertTrue(gaze <= 3.25, "mean gaze error " + gaze + " deg");
    assertTrue(Files.size(out.resolve("heldout.png")) > 0);
    assertTrue(log.contains("timings:"), log);
  }

  @Test
  void bundledSampleAndEyePatches(@TempDir Path out) throws Exception {
    runner(
        "--onnx",
        MODEL.toString(),
        "--eye-region",
        "models/gazeml/samples/eye_region.png",
        "-o",
        out.toString());
    List<String> lines = Files.readAllLines(out.resolve("results.jsonl"));
    assertEquals(1, lines.size(), String.join("\n", lines));
    String[] eyes = lines.get(0).split("\\{\"frame\":");
    assertEquals(3, eyes.length, lines.get(0));
    assertTrue(eyes[1].contains("\"eye\":\"left\"") && eyes[2].contains("\"eye\":\"right\""));
    assertTrue(Files.size(out.resolve("eye_region.gazeml.png")) > 0);
    // The iris centres land near where the sample rendered the eyes.
    double x0 = number(eyes[1], "landmarks", 16);
    assertEquals(150, x0, 25, eyes[1]);
    double x1 = number(eyes[2], "landmarks", 16);
    assertEquals(370, x1, 25, eyes[2]);

    Path patches = out.resolve("patches");
    runner(
        "--onnx",
        MODEL.toString(),
        "--eye-patches",
        "-o",
        patches.toString(),
        "models/gazeml/samples/eye_patch_0.png",
        "models/gazeml/samples/eye_patch_1.png");
    assertEquals(2, Files.readAllLines(patches.resolve("results.jsonl")).size());
  }

  static double number(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":(-?[0-9.]+)").matcher(json);
    assertTrue(m.find(), key + " in " + json);
    return Double.parseDouble(m.group(1));
  }

  /** x of landmark {@code index} in a result line. */
  static double number(String json, String key, int index) {
    int at = json.indexOf("\"" + key + "\":[");
    String rest = json.substring(at + key.length() + 4);
    String[] pairs = rest.split("\\],\\[");
    return Double.parseDouble(pairs[index].replace("[", "").split(",")[0]);
  }
}
