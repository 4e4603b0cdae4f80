package io.github.trt4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.CudaException;
import io.github.trt4j.CudaUnavailableException;
import io.github.trt4j.internal.cuda.Driver;
import org.junit.jupiter.api.Test;

/** The driver layer's messages and statuses, without a GPU. */
class CudaMessagesTest {

  @Test
  void initFailuresAreNamed() {
    assertEquals(
        "No CUDA-capable GPU found (CUDA_ERROR_NO_DEVICE)",
        Cuda.initMessage(100, "CUDA_ERROR_NO_DEVICE", "no CUDA-capable device is detected"));
    assertTrue(
        Cuda.initMessage(35, "CUDA_ERROR_INSUFFICIENT_DRIVER", "x").contains("NVIDIA driver"));
    assertEquals(
        "CUDA is not usable here: cuInit failed with CUDA_ERROR_UNKNOWN (unknown error)",
        Cuda.initMessage(999, "CUDA_ERROR_UNKNOWN", "unknown error"));
  }

  @Test
  void oldDriverNamesBothVersions() {
    assertEquals(
        "The NVIDIA driver is too old: it supports CUDA 12.2, and the TensorRT line trt4j"
            + " runs needs a driver for CUDA 13 or newer (r580+). Update the NVIDIA driver.",
        Cuda.oldDriverMessage(12020, 13000, "a driver for CUDA 13 or newer (r580+)"));
    assertEquals("13.0", Cuda.versionString(13000));
    assertEquals("12.6", Cuda.versionString(12060));
  }

  @Test
  void statusNamesWithoutTheDriver() {
    // cuGetErrorName needs the library; the names trt4j relies on are known without it.
    String name = Driver.errorName(Driver.ERROR_OUT_OF_MEMORY);
    assertEquals("CUDA_ERROR_OUT_OF_MEMORY", name);
    assertEquals("CUDA_ERROR_NOT_READY", Driver.errorName(Driver.ERROR_NOT_READY));
    CudaException e = Cuda.error(2, "cuMemAlloc", "input 'x' (1 bytes)");
    assertEquals(2, e.status());
    assertEquals("CUDA_ERROR_OUT_OF_MEMORY", e.statusName());
    assertTrue(
        e.getMessage()
            .startsWith("cuMemAlloc failed for input 'x' (1 bytes): CUDA_ERROR_OUT_OF_MEMORY"),
        e.getMessage());
  }

  @Test
  void withoutADriverEveryCallIsATypedError() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        Driver.unavailable() != null, "a driver is present");
    var e = assertThrows(CudaUnavailableException.class, () -> Cuda.requireDevice(0));
    assertTrue(e.getMessage().startsWith("No NVIDIA driver: libcuda.so.1"), e.getMessage());
    assertThrows(CudaUnavailableException.class, () -> Cuda.requireDevice(0));
    assertEquals(Driver.NOT_LOADED, Driver.init());
    assertEquals(-1, Cuda.driverVersion());
    assertThrows(IllegalArgumentException.class, () -> Cuda.requireDevice(-1));
  }
}
