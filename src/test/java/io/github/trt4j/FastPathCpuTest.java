package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the fast path checks before any native call, testable without a GPU. */
class FastPathCpuTest {

  @Test
  void wrappingANullDevicePointerIsRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DeviceTensor.wrap(0, 0L, 1024, DataType.FLOAT, Shape.of(2, 3)));
    assertEquals("Device pointer is null (0) for a float32 tensor of shape [2, 3]", e.getMessage());
  }

  @Test
  void wrappingTooLittleMemoryIsRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> DeviceTensor.wrap(0, 0x7f0000000000L, 20, DataType.FLOAT, Shape.of(2, 3)));
    assertEquals(
        "Shape [2, 3] of float32 needs 24 bytes; the wrapped memory holds 20", e.getMessage());
  }

  @Test
  void wrappedMemoryIsNeverFreedAndCloseIsIdempotent() {
    DeviceTensor t = DeviceTensor.wrap(0, 0x7f0000000000L, 24, DataType.FLOAT, Shape.of(2, 3));
    assertEquals(false, t.ownsMemory());
    t.close();
    t.close();
    assertTrue(t.isClosed());
    var e = assertThrows(IllegalStateException.class, t::address);
    assertEquals("DeviceTensor float32 [2, 3] is closed", e.getMessage());
  }

  @Test
  void wrappedTensorsReshapeWithinTheirCapacityOnly() {
    DeviceTensor t = DeviceTensor.wrap(1, 0x7f0000000000L, 96, DataType.FLOAT, Shape.of(2, 3));
    t.reshape(Shape.of(4, 6));
    assertEquals(Shape.of(4, 6), t.shape());
    var e = assertThrows(IllegalArgumentException.class, () -> t.reshape(Shape.of(5, 6)));
    assertEquals("Shape [5, 6] needs 120 bytes; this device tensor holds 96", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> t.reshape(Shape.of(-1, 6)));
    assertThrows(
        IllegalArgumentException.class,
        () -> DeviceTensor.wrap(0, 0x1000, 8, DataType.INT4, Shape.of(2)));
  }

  @Test
  void theModuleExportsThePublicApiAndNeverInternal() throws Exception {
    java.lang.module.ModuleDescriptor d;
    java.nio.file.Path classes =
        java.nio.file.Path.of(
            TrtEngine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (var in = java.nio.file.Files.newInputStream(classes.resolve("module-info.class"))) {
      d = java.lang.module.ModuleDescriptor.read(in);
    }
    assertEquals("io.github.trt4j", d.name());
    var exported =
        d.exports().stream().map(java.lang.module.ModuleDescriptor.Exports::source).toList();
    assertTrue(exported.contains("io.github.trt4j"), exported.toString());
    assertTrue(exported.stream().noneMatch(p -> p.contains("internal")), exported.toString());
    for (var r : d.requires()) {
      if (List.of(
              "info.picocli",
              "org.bytedeco.opencv",
              "org.bytedeco.ffmpeg",
              "com.google.protobuf",
              "io.grpc")
          .contains(r.name())) {
        assertTrue(
            r.modifiers().contains(java.lang.module.ModuleDescriptor.Requires.Modifier.STATIC),
            r.name() + " must be optional for core users");
      }
    }
  }

  @Test
  void infererOptionsKeepSharedMemoryAndSharedActivationTogether() {
    InfererOptions o = InfererOptions.defaults();
    assertEquals(0, o.profile());
    assertEquals(InfererOptions.Activation.STATIC, o.activation());
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new InfererOptions(0, false, InfererOptions.Activation.SHARED, null));
    assertTrue(e.getMessage().startsWith("Activation.SHARED goes with an ActivationMemory"));
    assertThrows(IllegalArgumentException.class, () -> o.withProfile(-1));
    assertEquals(
        InfererOptions.Activation.ON_PROFILE_CHANGE,
        o.withActivation(InfererOptions.Activation.ON_PROFILE_CHANGE).activation());
    assertTrue(o.withCudaGraphs(true).cudaGraphs());
  }
}
