package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine cache's key follows the model's bytes, every build setting, TensorRT and the GPU. */
class EngineCacheTest {

  static final String GPU = "NVIDIA H200 (compute 9.0)";

  static String key(Path m, UnaryOperator<EngineBuilder> settings, String trt, String gpu)
      throws Exception {
    return EngineCache.key(settings.apply(EngineBuilder.fromOnnx(m)), trt, gpu);
  }

  @Test
  void theKeyFollowsWhatChangesThePlan(@TempDir Path dir) throws Exception {
    Path m = Files.write(dir.resolve("net.onnx"), new byte[] {1, 2, 3});
    UnaryOperator<EngineBuilder> base =
        b -> b.profile(Map.of("x", ShapeRange.parse("1x16/1x16/1x16")));
    String a = key(m, base, "10.6.0", GPU);
    assertEquals(a, key(m, base, "10.6.0", GPU), "the same inputs give the same key");
    assertEquals("net-" + a + ".engine", EngineCache.fileName(m, a));
    assertTrue(a.matches("[0-9a-f]{16}"), a);
    assertNotEquals(
        a, key(m, b -> b.profile(Map.of("x", ShapeRange.parse("7x16/7x16/7x16"))), "10.6.0", GPU));
    assertNotEquals(a, key(m, b -> base.apply(b).fp16(true), "10.6.0", GPU));
    assertNotEquals(a, key(m, b -> base.apply(b).tf32(false), "10.6.0", GPU));
    assertNotEquals(a, key(m, b -> base.apply(b).optimizationLevel(1), "10.6.0", GPU));
    assertNotEquals(
        a,
        key(
            m,
            b -> base.apply(b).hardwareCompatibility(HardwareCompatibility.AMPERE_PLUS),
            "10.6.0",
            GPU));
    assertNotEquals(a, key(m, b -> base.apply(b).standardPlugins(true), "10.6.0", GPU));
    assertNotEquals(a, key(m, base, "10.8.0", GPU), "another TensorRT");
    assertNotEquals(a, key(m, base, "10.6.0", "NVIDIA A100 (compute 8.0)"), "another GPU");
    Files.write(m, new byte[] {1, 2, 4});
    assertNotEquals(a, key(m, base, "10.6.0", GPU), "other model bytes");
  }

  @Test
  void theDirectoryAndTimingCacheNames() {
    assertTrue(
        EngineCache.defaultDirectory().endsWith("trt4j"),
        EngineCache.defaultDirectory().toString());
    assertEquals(Path.of("/x"), EngineCache.in(Path.of("/x")).directory());
    String t = EngineCache.timingCacheName("10.6.0", GPU);
    assertTrue(t.matches("timing-10\\.6\\.0-[0-9a-f]{8}\\.cache"), t);
    assertNotEquals(t, EngineCache.timingCacheName("10.6.0", "NVIDIA A100 (compute 8.0)"));
  }
}
