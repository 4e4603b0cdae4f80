package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.ChildJvm;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A CUDA error mid-run is a typed exception naming the fault, never a crash (see CudaFaultProbe).
 */
@GpuTest
class CudaFaultGpuTest {

  @Test
  void aFaultingKernelEndsInACudaExceptionNamingTheStatus() throws Exception {
    String plan = TestModels.engine("seed").toString();
    ChildJvm.Outcome o =
        ChildJvm.run(CudaFaultProbe.class.getName(), List.of(plan), Duration.ofSeconds(120));
    System.out.println(
        "fault probe: exit "
            + o.exitCode()
            + "\n"
            + o.stdout()
            + o.stderr()
                .lines()
                .filter(l -> !l.contains("INFO"))
                .limit(10)
                .reduce("", (a, b) -> a + b + "\n"));
    assertFalse(o.timedOut(), "the probe hung");
    assertEquals(0, o.exitCode(), o.stdout() + o.stderr());
    assertTrue(
        o.stdout().contains("CudaException CUDA_ERROR_")
            || o.stdout().contains("TrtException: enqueueV3 failed")
                && o.stdout().contains("illegal memory access"),
        o.stdout());
  }
}
