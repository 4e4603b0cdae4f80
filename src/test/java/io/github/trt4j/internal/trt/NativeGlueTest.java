package io.github.trt4j.internal.trt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pure-Java parts of the native glue: messages, profile checks, log routing. */
class NativeGlueTest {

  @Test
  void refusalForAnotherGpuNamesBothGpus() {
    String msg =
        EngineHandle.refusal(
            List.of(
                "IRuntime::deserializeCudaEngine: Error Code 6: API Usage Error (The engine plan"
                    + " file is generated on an incompatible device, expecting compute 8.6 got compute"
                    + " 9.0, please rebuild.)"),
            "NVIDIA H100 80GB HBM3 (compute 9.0)");
    assertTrue(
        msg.startsWith("built for another GPU; this GPU is NVIDIA H100 80GB HBM3 (compute 9.0)"),
        msg);
    assertTrue(msg.contains("expecting compute 8.6 got compute 9.0"), msg);
  }

  @Test
  void refusalWithoutDetailSaysSo() {
    assertEquals(
        "TensorRT could not deserialize it (corrupt or truncated plan?)",
        EngineHandle.refusal(List.of(), "x"));
  }

  @Test
  void profilesAreCheckedAgainstNetworkInputs() {
    Map<String, Shape> inputs = new LinkedHashMap<>();
    inputs.put("x", Shape.of(-1, 16));
    inputs.put("k", Shape.of(4));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                OnnxBuild.checkProfiles(
                    inputs, List.of(Map.of("y", ShapeRange.parse("1x16/8x16/16x16")))));
    assertEquals("Profile 0 names 'y', which is not an input; inputs are [x, k]", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                OnnxBuild.checkProfiles(
                    inputs, List.of(Map.of("x", ShapeRange.parse("1x8/8x8/16x8")))));
    assertEquals(
        "Profile 0 range 1x8/8x8/16x8 does not fit input 'x' of shape [-1, 16] (-1 = any)",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> OnnxBuild.checkProfiles(inputs, List.of(Map.of("k", ShapeRange.parse("4")))));
    assertEquals("Profile 0 has no range for dynamic input 'x' [-1, 16]", e.getMessage());
    OnnxBuild.checkProfiles(inputs, List.of(Map.of("x", ShapeRange.parse("1x16/8x16/16x16"))));
  }

  @Test
  void withoutAProfileDynamicDimensionsBecomeOneAsInTrtexec() {
    Map<String, Shape> inputs = new LinkedHashMap<>();
    inputs.put("input_ids", Shape.of(-1, -1));
    inputs.put("k", Shape.of(4));
    inputs.put("img", Shape.of(-1, 3, -1, 224));
    Map<String, ShapeRange> p = OnnxBuild.defaultProfile(inputs);
    assertEquals(List.of("input_ids", "img"), List.copyOf(p.keySet()), "fixed inputs are left out");
    assertEquals(ShapeRange.parse("1x1/1x1/1x1"), p.get("input_ids"));
    assertEquals(ShapeRange.parse("1x3x1x224/1x3x1x224/1x3x1x224"), p.get("img"));
    // The default profile passes the same checks as one the user gives.
    OnnxBuild.checkProfiles(inputs, List.of(p));
  }

  @Test
  void aVersionCompatibleBuildWithoutTheLeanRuntimeSaysWhatToDo() {
    String m =
        OnnxBuild.buildFailure(
            java.nio.file.Path.of("m.onnx"), "Unable to load library: libnvinfer_lean.so.10");
    assertTrue(
        m.startsWith(
            "TensorRT could not build an engine from m.onnx: Unable to load library:"
                + " libnvinfer_lean.so.10. A version-compatible plan embeds"),
        m);
    assertTrue(m.contains("point TRT4J_TENSORRT_HOME at a full TensorRT installation"), m);
    assertEquals(
        "TensorRT could not build an engine from m.onnx: out of memory",
        OnnxBuild.buildFailure(java.nio.file.Path.of("m.onnx"), "out of memory"));
  }

  @Test
  void captureCollectsOnlyErrorsOnThisThread() throws Exception {
    try (TrtLog.Capture c = TrtLog.capture()) {
      TrtLog.route(1, "bad thing");
      TrtLog.route(2, "a warning");
      Thread t = new Thread(() -> TrtLog.route(1, "other thread"));
      t.start();
      t.join();
      assertEquals(List.of("bad thing"), c.errors());
      assertEquals("bad thing", c.summary("none"));
    }
    try (TrtLog.Capture c = TrtLog.capture()) {
      assertEquals("none", c.summary("none"));
    }
  }
}
