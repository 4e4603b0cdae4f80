package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.ChildJvm;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TensorRT's standard plugins: a model ending in an {@code EfficientNMS_TRT} node (as YOLO exports
 * do; {@code scripts/make_plugin_models.py}) builds with them, its plan is refused by name in a
 * fresh JVM without them and runs with them, and its detections equal a greedy per-class NMS
 * written here in Java. Plugin libraries that are missing or not plugin libraries are named; a
 * model asking for a plugin version TensorRT lacks is refused by name and version; a user plugin
 * library given by path ({@code scripts/plugins/rotate_plugin.cpp}, built by {@code
 * scripts/gpu/plugin.sh}) builds and runs its plugin.
 */
@GpuTest
class PluginGpuTest {

  static final int N = 64;
  static final int C = 3;
  static final int K = 20;
  @TempDir static Path dir;
  static Path plan;

  @BeforeAll
  static void build() throws IOException {
    plan = dir.resolve("nms_plugin.engine");
    EngineBuilder.fromOnnx(Path.of("models/test/nms_plugin.onnx"))
        .standardPlugins(true)
        .buildTo(plan);
  }

  @Test
  void withoutThePluginsAFreshJvmIsToldWhichPluginIsMissing() throws Exception {
    ChildJvm.Outcome without =
        ChildJvm.run(
            PluginProbe.class.getName(), List.of(plan.toString()), Duration.ofSeconds(120));
    System.out.println("without plugins: " + without.stdout());
    assertEquals(3, without.exitCode(), without.stdout() + without.stderr());
    assertTrue(
        without.stdout().contains("needs TensorRT plugin EfficientNMS_TRT version 1"),
        without.stdout());
    assertTrue(without.stdout().contains("--plugins std"), without.stdout());
    ChildJvm.Outcome with =
        ChildJvm.run(
            PluginProbe.class.getName(), List.of(plan.toString(), "std"), Duration.ofSeconds(120));
    assertEquals(0, with.exitCode(), with.stdout() + with.stderr());
    assertTrue(with.stdout().contains("loaded: 6 tensors"), with.stdout());
  }

  @Test
  void detectionsEqualAGreedyPerClassNms() throws IOException {
    try (TrtEngine e = TrtEngine.load(plan, LoadOptions.defaults().standardPlugins(true));
        Inferer inf = e.createInferer()) {
      for (long seed = 1; seed <= 5; seed++) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] boxes = new float[N * 4];
        float[] scores = new float[N * C];
        for (int i = 0; i < N; i++) {
          float x = (float) r.nextDouble(0, 80);
          float y = (float) r.nextDouble(0, 80);
          boxes[i * 4] = x;
          boxes[i * 4 + 1] = y;
          boxes[i * 4 + 2] = x + (float) r.nextDouble(5, 30);
          boxes[i * 4 + 3] = y + (float) r.nextDouble(5, 30);
        }
        for (int i = 0; i < scores.length; i++) {
          scores[i] = (float) r.nextDouble();
        }
        Map<String, Tensor> out =
            inf.run(
                Map.of(
                    "boxes", Tensor.ofFloats(Shape.of(1, N, 4), boxes),
                    "scores", Tensor.ofFloats(Shape.of(1, N, C), scores)));
        List<float[]> want = nms(boxes, scores);
        int got = out.get("num_detections").ints()[0];
        assertEquals(want.size(), got, "seed " + seed + ": number of detections");
        float[] gb = out.get("detection_boxes").floats();
        float[] gs = out.get("detection_scores").floats();
        int[] gc = out.get("detection_classes").ints();
        for (int j = 0; j < got; j++) {
          float[] w = want.get(j);
          assertEquals((int) w[1], gc[j], "seed " + seed + " detection " + j + ": class");
          assertEquals(w[0], gs[j], 1e-6f, "seed " + seed + " detection " + j + ": score");
          int b = (int) w[2];
          assertArrayEquals(
              new float[] {boxes[b * 4], boxes[b * 4 + 1], boxes[b * 4 + 2], boxes[b * 4 + 3]},
              new float[] {gb[j * 4], gb[j * 4 + 1], gb[j * 4 + 2], gb[j * 4 + 3]},
              1e-5f,
              "seed " + seed + " detection " + j + ": box");
        }
      }
    }
  }

  /**
   * Per-class greedy NMS (IoU > 0.5 suppresses, scores >= 0.25), best K overall: {score, class,
   * box}.
   */
  static List<float[]> nms(float[] boxes, float[] scores) {
    List<float[]> kept = new ArrayList<>();
    for (int c = 0; c < C; c++) {
      List<float[]> cand = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        float s = scores[i * C + c];
        if (s >= 0.25f) {
          cand.add(new float[] {s, c, i});
        }
      }
      cand.sort(Comparator.comparingDouble((float[] a) -> a[0]).reversed());
      List<float[]> mine = new ArrayList<>();
      for (float[] a : cand) {
        boolean ok = true;
        for (float[] k : mine) {
          if (iou(boxes, (int) a[2], (int) k[2]) > 0.5f) {
            ok = false;
            break;
          }
        }
        if (ok) {
          mine.add(a);
        }
      }
      kept.addAll(mine);
    }
    kept.sort(Comparator.comparingDouble((float[] a) -> a[0]).reversed());
    return kept.subList(0, Math.min(K, kept.size()));
  }

  static float iou(float[] b, int i, int j) {
    float ix = Math.max(0, Math.min(b[i * 4 + 2], b[j * 4 + 2]) - Math.max(b[i * 4], b[j * 4]));
    float iy =
        Math.max(0, Math.min(b[i * 4 + 3], b[j * 4 + 3]) - Math.max(b[i * 4 + 1], b[j * 4 + 1]));
    float inter = ix * iy;
    float ai = (b[i * 4 + 2] - b[i * 4]) * (b[i * 4 + 3] - b[i * 4 + 1]);
    float aj = (b[j * 4 + 2] - b[j * 4]) * (b[j * 4 + 3] - b[j * 4 + 1]);
    return inter / (ai + aj - inter);
  }

  @Test
  void pluginLibrariesThatAreMissingOrNotPluginsAreNamed(@TempDir Path tmp) throws IOException {
    Path missing = tmp.resolve("libnot_there.so");
    var e =
        assertThrows(
            NoSuchFileException.class,
            () -> TrtEngine.load(plan, LoadOptions.defaults().pluginLibraries(missing)));
    assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    Path junk = Files.writeString(tmp.resolve("libjunk.so"), "not a shared library");
    var t =
        assertThrows(
            TrtException.class,
            () -> TrtEngine.load(plan, LoadOptions.defaults().pluginLibraries(junk)));
    assertTrue(
        t.getMessage().startsWith("TensorRT could not load plugin library " + junk),
        t.getMessage());
  }

  @Test
  void aModelAskingForAPluginVersionTensorRtLacksIsRefusedByNameAndVersion() {
    // scripts/make_plugin_models.py: the same EfficientNMS_TRT node with plugin_version "9".
    OnnxParseException e =
        assertThrows(
            OnnxParseException.class,
            () ->
                EngineBuilder.fromOnnx(Path.of("models/test/nms_plugin_v9.onnx"))
                    .standardPlugins(true)
                    .build());
    System.out.println(e.getMessage());
    assertTrue(
        e.getMessage().contains("needs TensorRT plugin EfficientNMS_TRT version 9"),
        e.getMessage());
  }

  @Test
  void aUserPluginLibraryGivenByPathBuildsAndRunsItsPlugin() throws Exception {
    String lib = System.getenv("TRT4J_TEST_PLUGIN");
    org.junit.jupiter.api.Assumptions.assumeTrue(
        lib != null && !lib.isBlank(),
        "TRT4J_TEST_PLUGIN names no plugin library (scripts/gpu/plugin.sh builds"
            + " scripts/plugins/rotate_plugin.cpp and sets it)");
    Path so = Path.of(lib);
    Path rotatePlan = dir.resolve("rotate_plugin.engine");
    EngineBuilder.fromOnnx(Path.of("models/test/rotate_plugin.onnx"))
        .pluginLibraries(so)
        .buildTo(rotatePlan);
    float[] x = new float[16];
    for (int i = 0; i < x.length; i++) {
      x[i] = i * 1.5f - 4f;
    }
    try (TrtEngine e = TrtEngine.load(rotatePlan, LoadOptions.defaults().pluginLibraries(so));
        Inferer inf = e.createInferer()) {
      float[] y = inf.run(Map.of("x", Tensor.ofFloats(Shape.of(16), x))).get("y").floats();
      float[] want = new float[16];
      for (int i = 0; i < 16; i++) {
        want[i] = x[(i + 1) % 16];
      }
      assertArrayEquals(want, y, "the plugin's rotation");
    }
    // A fresh JVM without the library is told which plugin is missing and how to provide it.
    ChildJvm.Outcome without =
        ChildJvm.run(
            PluginProbe.class.getName(), List.of(rotatePlan.toString()), Duration.ofSeconds(120));
    assertEquals(3, without.exitCode(), without.stdout() + without.stderr());
    assertTrue(
        without.stdout().contains("needs TensorRT plugin Trt4jRotate version 1"), without.stdout());
    assertTrue(without.stdout().contains("--plugins PATH.so"), without.stdout());
    ChildJvm.Outcome with =
        ChildJvm.run(
            PluginProbe.class.getName(),
            List.of(rotatePlan.toString(), so.toString()),
            Duration.ofSeconds(120));
    assertEquals(0, with.exitCode(), with.stdout() + with.stderr());
  }
}
