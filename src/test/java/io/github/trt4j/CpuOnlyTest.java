package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.trt4j.TensorSpec.Direction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a machine without a GPU sees, and everything about engines that needs no GPU. */
class CpuOnlyTest {

  @Test
  void withoutCudaLoadingSaysWhatIsMissing() {
    assumeTrue(GpuCondition.unavailableReason() != null, "a CUDA device is present");
    byte[] plan = PlanHeaderTest.plan(10, 6, 0, 26, 4096);
    CudaUnavailableException e =
        assertThrows(CudaUnavailableException.class, () -> TrtEngine.load(plan));
    System.out.println("No-GPU message: " + e.getMessage());
    assertTrue(
        e.getMessage().contains("-Predist") || e.getMessage().contains("driver"), e.getMessage());
    // The same typed exception every time, never an UnsatisfiedLinkError.
    assertThrows(CudaUnavailableException.class, () -> TrtEngine.load(plan));
    assertThrows(CudaUnavailableException.class, () -> TrtEngine.tensorRtVersion());
  }

  @Test
  void fileProblemsComeBeforeAnyNativeCall(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.engine");
    IOException io = assertThrows(IOException.class, () -> TrtEngine.load(missing));
    assertTrue(io.getMessage().contains(missing.toString()), io.getMessage());
    assertThrows(IOException.class, () -> TrtEngine.load(dir));
    Path empty = Files.createFile(dir.resolve("empty.engine"));
    EngineLoadException e = assertThrows(EngineLoadException.class, () -> TrtEngine.load(empty));
    assertEquals(empty + ": the file is empty (0 bytes), not a TensorRT plan", e.getMessage());
    e = assertThrows(EngineLoadException.class, () -> TrtEngine.load(new byte[] {1, 2, 3, 4, 5}));
    assertTrue(e.getMessage().startsWith("<5 bytes>: not a TensorRT plan"), e.getMessage());
  }

  @Test
  void aPoolAcrossDevicesChecksItsArgumentsBeforeLoadingAnything(@TempDir Path dir) {
    Path missing = dir.resolve("missing.engine");
    InfererOptions o = InfererOptions.defaults();
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InfererPool.acrossDevices(missing, new int[0], 1, o));
    assertEquals("No CUDA devices given", e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> InfererPool.acrossDevices(missing, null, 1, o));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InfererPool.acrossDevices(missing, new int[] {0, -1}, 1, o));
    assertEquals("CUDA device indexes are >= 0; got -1", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InfererPool.acrossDevices(missing, new int[] {0, 1}, 0, o));
    assertEquals("A pool needs at least 1 Inferer per engine; got 0", e.getMessage());
    // Arguments right, the file missing: the file is named (before any GPU is needed).
    IOException io =
        assertThrows(
            IOException.class, () -> InfererPool.acrossDevices(missing, new int[] {0, 1}, 2, o));
    assertTrue(io.getMessage().contains(missing.toString()), io.getMessage());
  }

  @Test
  void describeTableHasTheArticlesColumns() {
    List<TensorSpec> seed =
        List.of(
            TensorSpec.of(0, "__eye_index", Direction.INPUT, DataType.INT64, Shape.of(2)),
            TensorSpec.of(1, "__eye", Direction.INPUT, DataType.FLOAT, Shape.of(2, 36, 60, 1)),
            TensorSpec.of(2, "heatmaps", Direction.OUTPUT, DataType.FLOAT, Shape.of(2, 36, 60, 18)),
            TensorSpec.of(3, "y", Direction.OUTPUT, DataType.HALF, Shape.of(-1, 4)));
    String expected =
        String.join(
            "\n",
            "index  name         shape       io      dtype",
            "0      __eye_index  2           input   int64",
            "1      __eye        2x36x60x1   input   float32",
            "2      heatmaps     2x36x60x18  output  float32",
            "3      y            -1x4        output  float16",
            "");
    assertEquals(expected, TrtEngine.describe(seed).replace(System.lineSeparator(), "\n"));
  }
}
