package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanHeaderTest {

  /** A plan-like byte array: tag "ftrt", version bytes at 24..27, padding after. */
  static byte[] plan(int major, int minor, int patch, int build, int length) {
    byte[] b = new byte[Math.max(length, 28)];
    b[0] = 'f';
    b[1] = 't';
    b[2] = 'r';
    b[3] = 't';
    b[24] = (byte) major;
    b[25] = (byte) minor;
    b[26] = (byte) patch;
    b[27] = (byte) build;
    java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(16, length);
    return java.util.Arrays.copyOf(b, length);
  }

  @Test
  void readsTagAndVersion() {
    PlanHeader h = PlanHeader.parse("a.engine", plan(10, 6, 0, 26, 64));
    assertEquals(new PlanHeader(10, 6, 0, 26, 64), h);
    assertEquals("10.6.0", h.version());
    assertEquals("10.6.0.26", h.fullVersion());
    assertTrue(h.compatibleWith(100600));
    assertFalse(h.compatibleWith(100700));
    assertEquals(0x74727466, PlanHeader.TAG);
  }

  @Test
  void emptyShortAndForeignFilesAreNamed() {
    var e =
        assertThrows(EngineLoadException.class, () -> PlanHeader.parse("m.engine", new byte[0]));
    assertEquals("m.engine: the file is empty (0 bytes), not a TensorRT plan", e.getMessage());
    assertEquals("m.engine", e.source());
    e =
        assertThrows(
            EngineLoadException.class, () -> PlanHeader.parse("m.engine", plan(10, 6, 0, 0, 20)));
    assertEquals(
        "m.engine: truncated: 20 bytes, shorter than a TensorRT plan header", e.getMessage());
    byte[] onnx = "\u0008\u0007\u0012\u0007pytorch-----------------".getBytes();
    e = assertThrows(EngineLoadException.class, () -> PlanHeader.parse("model.onnx", onnx));
    assertTrue(
        e.getMessage()
            .startsWith("model.onnx: not a TensorRT plan: its first bytes are 08 07 12 07"),
        e.getMessage());
  }

  @Test
  void otherVersionsAreRefusedWithBothVersions() {
    PlanHeader old = PlanHeader.parse("old.engine", plan(8, 6, 1, 6, 64));
    var e =
        assertThrows(EngineLoadException.class, () -> old.requireCompatible("old.engine", 100600));
    assertEquals(
        "old.engine: built with TensorRT 8.6.1, this runtime is 10.6.0;"
            + " rebuild the engine with TensorRT 10.6.0",
        e.getMessage());
  }

  @Test
  void anotherPatchOrMinorVersionIsRefused() {
    // TensorRT plans load only in the exact major.minor.patch that built them (the build number
    // is checked by TensorRT itself, whose message then reaches the EngineLoadException).
    PlanHeader h = PlanHeader.parse("p.engine", plan(10, 6, 0, 26, 64));
    assertTrue(h.compatibleWith(100600));
    for (int other : new int[] {100601, 100610, 100500, 100700, 110600, 90600}) {
      assertFalse(h.compatibleWith(other), Integer.toString(other));
      var e = assertThrows(EngineLoadException.class, () -> h.requireCompatible("p.engine", other));
      assertEquals(
          "p.engine: built with TensorRT 10.6.0, this runtime is "
              + PlanHeader.versionString(other)
              + "; rebuild the engine with TensorRT "
              + PlanHeader.versionString(other),
          e.getMessage());
    }
    assertFalse(PlanHeader.parse("q", plan(10, 6, 1, 26, 64)).compatibleWith(100600));
  }

  @Test
  void recordedSizeCatchesTruncationAndTrailingData() {
    byte[] full = plan(10, 6, 0, 26, 1000);
    PlanHeader.parse("x", full).requireComplete("x", 1000);
    byte[] cut = java.util.Arrays.copyOf(full, 600);
    var e =
        assertThrows(
            EngineLoadException.class,
            () -> PlanHeader.parse("x.engine", cut).requireComplete("x.engine", cut.length));
    assertEquals("x.engine: truncated: the plan header says 1000 bytes, got 600", e.getMessage());
    byte[] longer = java.util.Arrays.copyOf(full, 1200);
    e =
        assertThrows(
            EngineLoadException.class,
            () -> PlanHeader.parse("x.engine", longer).requireComplete("x.engine", longer.length));
    assertTrue(e.getMessage().contains("says 1000 bytes, got 1200"), e.getMessage());
  }

  @Test
  void readsFromFile(@TempDir Path dir) throws IOException {
    Path p = dir.resolve("x.plan");
    Files.write(p, plan(10, 6, 0, 26, 4096));
    assertEquals(new PlanHeader(10, 6, 0, 26, 4096), PlanHeader.read(p));
    Path missing = dir.resolve("missing.plan");
    IOException io = assertThrows(IOException.class, () -> PlanHeader.read(missing));
    assertTrue(io.getMessage().contains(missing.toString()), io.getMessage());
  }
}
