package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.GpuCondition.Gate;
import org.junit.jupiter.api.Test;

class GpuConditionTest {

  private static final String NO_LIBS = "Cannot load TensorRT 10.6 (libnvinfer.so.10): not found.";

  @Test
  void aUsableGpuRuns() {
    assertEquals(Gate.RUN, GpuCondition.decide(null, "libcuda.so.1 loads", false, false).gate());
    assertEquals(Gate.RUN, GpuCondition.decide(null, null, true, false).gate());
  }

  @Test
  void noDriverSkipsUnlessAGpuIsRequired() {
    assertEquals(Gate.SKIP, GpuCondition.decide("No NVIDIA driver", null, false, false).gate());
    assertEquals(Gate.SKIP, GpuCondition.decide("No NVIDIA driver", null, false, true).gate());
    var d = GpuCondition.decide("No NVIDIA driver", null, true, false);
    assertEquals(Gate.FAIL, d.gate());
    assertEquals("trt4j.requireGpu is set, but: No NVIDIA driver", d.message());
  }

  @Test
  void aDriverWithoutLibrariesFailsUnlessAllowed() {
    var d = GpuCondition.decide(NO_LIBS, "/proc/driver/nvidia/version exists", false, false);
    assertEquals(Gate.FAIL, d.gate());
    assertTrue(
        d.message()
            .startsWith(
                "An NVIDIA driver is present (/proc/driver/nvidia/version exists)"
                    + " but the GPU is not usable: "
                    + NO_LIBS),
        d.message());
    assertTrue(d.message().contains("-Dtrt4j.allowMissingGpuLibs=true"), d.message());
    assertEquals(Gate.SKIP, GpuCondition.decide(NO_LIBS, "libcuda.so.1 loads", false, true).gate());
    // requireGpu wins over the allowance.
    assertEquals(Gate.FAIL, GpuCondition.decide(NO_LIBS, "libcuda.so.1 loads", true, true).gate());
  }
}
