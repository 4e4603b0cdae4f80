package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@GpuTest
class ErrorsGpuTest {

  @Test
  void useAfterCloseIsIllegalStateAndCloseIsIdempotent() throws IOException {
    TrtEngine e = TrtEngine.load(TestModels.engine("single"));
    Inferer inf = e.createInferer();
    inf.close();
    inf.close();
    var err =
        assertThrows(IllegalStateException.class, () -> inf.infer(Map.of("input", new float[768])));
    assertTrue(
        err.getMessage().startsWith("Inferer for ") && err.getMessage().endsWith(" is closed"));
    assertThrows(IllegalStateException.class, inf::createBinding);
    Inferer open = e.createInferer();
    e.close();
    assertTrue(open.isClosed(), "closing the engine closes its Inferers");
    e.close();
    assertThrows(IllegalStateException.class, e::createInferer);
    assertThrows(IllegalStateException.class, e::deviceMemorySize);
    assertEquals(
        2, e.inputs().size() + e.outputs().size(), "specs are plain values, still readable");
  }

  @Test
  void truncatedPlanIsALoadException() throws IOException {
    byte[] plan = Files.readAllBytes(TestModels.engine("single"));
    for (int len : new int[] {plan.length / 2, plan.length - 1, 64}) {
      byte[] cut = Arrays.copyOf(plan, len);
      EngineLoadException e = assertThrows(EngineLoadException.class, () -> TrtEngine.load(cut));
      assertEquals(
          "<"
              + len
              + " bytes>: truncated: the plan header says "
              + plan.length
              + " bytes, got "
              + len,
          e.getMessage());
    }
  }

  @Test
  void bitFlippedPlansFailCleanlyNotCrash() throws IOException {
    byte[] plan = Files.readAllBytes(TestModels.engine("seed"));
    // Flips in the tag, size and version are caught in Java; flips in TensorRT's own header
    // fields (offsets 8, 12, 28, 32 failed its assertions on an H200) are reported by TensorRT.
    // A flip deep inside the weights loads: a plan carries no checksum.
    for (int offset : new int[] {0, 8, 12, 16, 20, 24, 25, 28, 32}) {
      byte[] b = plan.clone();
      b[offset] ^= 0x10;
      EngineLoadException e =
          assertThrows(EngineLoadException.class, () -> TrtEngine.load(b), "flip at " + offset);
      assertTrue(e.getMessage().startsWith("<" + plan.length + " bytes>: "), e.getMessage());
    }
  }

  @Test
  void missingAndForeignFilesAreNamed(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("nope.engine");
    IOException io = assertThrows(IOException.class, () -> TrtEngine.load(missing));
    assertTrue(io.getMessage().contains(missing.toString()), io.getMessage());
    EngineLoadException e =
        assertThrows(EngineLoadException.class, () -> TrtEngine.load(TestModels.onnx("single")));
    assertTrue(e.getMessage().contains("not a TensorRT plan"), e.getMessage());
  }

  @Test
  void badInputsNeverReachNativeCode() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer inf = e.createInferer()) {
      var err =
          assertThrows(
              IllegalArgumentException.class, () -> inf.infer(Map.of("img", new float[1])));
      assertTrue(
          err.getMessage()
              .startsWith("Unknown input 'img'; inputs are [__eye_index, __eye, __frame_index]"));
      err =
          assertThrows(
              IllegalArgumentException.class, () -> inf.infer(Map.of("__eye", new float[4320])));
      assertEquals(
          "Missing inputs [__eye_index, __frame_index]; the engine needs"
              + " [__eye_index, __eye, __frame_index]",
          err.getMessage());
      err =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  inf.infer(
                      Map.of(
                          "__eye",
                          new float[2160],
                          "__eye_index",
                          new float[2],
                          "__frame_index",
                          new float[2])));
      assertEquals(
          "Input '__eye' needs 4320 values (shape [2, 36, 60, 1], float32); got 2160",
          err.getMessage());
      // The Inferer still works after rejected calls.
      assertEquals(
          6,
          inf.infer(
                  Map.of(
                      "__eye",
                      new float[4320],
                      "__eye_index",
                      new float[2],
                      "__frame_index",
                      new float[2]))
              .size());
    }
  }

  @Test
  void parserErrorsNameTheModel(@TempDir Path dir) throws IOException {
    Path junk = dir.resolve("junk.onnx");
    Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    OnnxParseException e =
        assertThrows(OnnxParseException.class, () -> EngineBuilder.fromOnnx(junk).build());
    assertTrue(
        e.getMessage().startsWith("TensorRT's ONNX parser rejected " + junk), e.getMessage());
    assertFalse(e.errors().isEmpty());
    System.out.println(e.getMessage());
  }

  @Test
  void buildOptionsAreChecked(@TempDir Path dir) throws IOException {
    // No profile for a dynamic input: built at 1 with a warning, as trtexec does.
    try (TrtEngine one =
        TrtEngine.load(EngineBuilder.fromOnnx(TestModels.onnx("dynamic")).build())) {
      assertEquals(ShapeRange.parse("1x16/1x16/1x16"), one.tensor("x").profile(0));
    }
    var err =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                EngineBuilder.fromOnnx(TestModels.onnx("dynamic"))
                    .profile(Map.of("nope", ShapeRange.parse("1x16/8x16/16x16")))
                    .build());
    assertEquals("Profile 0 names 'nope', which is not an input; inputs are [x]", err.getMessage());
    Path cache = dir.resolve("t.timing");
    Path engine = dir.resolve("d.engine");
    long bytes =
        EngineBuilder.fromOnnx(TestModels.onnx("dynamic"))
            .profile(Map.of("x", ShapeRange.parse("1x16/4x16/8x16")))
            .profile(Map.of("x", ShapeRange.parse("9x16/12x16/16x16")))
            .workspace(64L << 20)
            .timingCache(cache)
            .buildTo(engine);
    assertEquals(Files.size(engine), bytes);
    assertTrue(Files.size(cache) > 0, "timing cache written");
    try (TrtEngine e = TrtEngine.load(engine)) {
      assertEquals(2, e.profileCount());
      try (Inferer p1 = e.createInferer(1)) {
        assertDoesNotThrow(() -> p1.infer(Map.of("x", new float[12 * 16])));
        var out =
            assertThrows(
                IllegalArgumentException.class, () -> p1.infer(Map.of("x", new float[2 * 16])));
        assertTrue(out.getMessage().contains("outside optimization profile 1"), out.getMessage());
      }
      assertThrows(IllegalArgumentException.class, () -> e.createInferer(2));
    }
  }
}
