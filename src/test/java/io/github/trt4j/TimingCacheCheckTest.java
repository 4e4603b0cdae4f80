package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A timing cache that could not be written back fails the build before it starts (no GPU needed).
 */
class TimingCacheCheckTest {

  @Test
  void anUnwritableCacheFailsBeforeTheBuild(@TempDir Path dir) throws IOException {
    Path model = TestModels.onnx("single");
    Path noDir = dir.resolve("missing/cache.timing");
    IOException e =
        assertThrows(
            IOException.class, () -> EngineBuilder.fromOnnx(model).timingCache(noDir).build());
    assertEquals(
        "Timing cache " + noDir + ": directory " + noDir.getParent() + " does not exist",
        e.getMessage());
    Path isDir = Files.createDirectory(dir.resolve("cache.timing"));
    e =
        assertThrows(
            IOException.class,
            () ->
                EngineBuilder.fromOnnx(model).timingCache(isDir).buildTo(dir.resolve("x.engine")));
    assertEquals("Timing cache " + isDir + " is not a regular file", e.getMessage());
    Path underFile = Files.writeString(dir.resolve("file"), "x").resolve("cache.timing");
    e =
        assertThrows(
            IOException.class, () -> EngineBuilder.fromOnnx(model).timingCache(underFile).build());
    assertEquals(
        "Timing cache " + underFile + ": directory " + underFile.getParent() + " does not exist",
        e.getMessage());
  }
}
