package io.github.trt4j.internal.trt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.CudaUnavailableException;
import io.github.trt4j.TrtException;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a TensorRT create call returned: TensorRT 10.6 answers createInferRuntime with the address
 * 0x200 (not null) when its CUDA runtime refuses the driver; using or deleting that ends the
 * process, so it must become a typed exception. (Seen here: libnvinfer 10.6 without a usable driver
 * logs these two lines and returns 0x200.)
 */
class CreatedTest {

  static final List<String> REFUSED =
      List.of(
          "createInferRuntime: Error Code 6: API Usage Error (CUDA initialization failure with"
              + " error: 35)",
          "[checkMacros.cpp::catchCudaError::212] Error Code 1: Cuda Runtime (CUDA driver version"
              + " is insufficient for CUDA runtime version)");

  @Test
  void aCudaStartFailureIsCudaUnavailableWithTheDriversVersionAndBothFixes() {
    RuntimeException e =
        Created.refusal(0x200, "createInferRuntime", REFUSED, String.join(" | ", REFUSED), 12040);
    assertInstanceOf(CudaUnavailableException.class, e);
    String m = e.getMessage();
    assertTrue(m.contains("could not start CUDA (createInferRuntime)"), m);
    assertTrue(m.contains("CUDA initialization failure with error: 35"), m);
    assertTrue(m.contains("The NVIDIA driver here supports CUDA 12.4"), m);
    assertTrue(m.contains("update the driver, or use a TensorRT built for CUDA 12."), m);
    // Whatever the address: TensorRT said CUDA did not start.
    assertInstanceOf(
        CudaUnavailableException.class,
        Created.refusal(0x7f0000001000L, "createInferBuilder", REFUSED, "", 0));
    assertTrue(
        Created.refusal(0x7f0000001000L, "createInferBuilder", REFUSED, "", 0)
            .getMessage()
            .endsWith("use a TensorRT built for the CUDA it supports."));
  }

  @Test
  void nullAndFirstPageAddressesAreNoObject() {
    RuntimeException n = Created.refusal(0, "createNetworkV2", List.of(), "no reason given", 0);
    assertInstanceOf(TrtException.class, n);
    assertEquals("createNetworkV2 returned null: no reason given", n.getMessage());
    RuntimeException low = Created.refusal(0x200, "createInferRuntime", List.of(), "x", 12040);
    assertInstanceOf(TrtException.class, low);
    assertTrue(low.getMessage().contains("returned no object (address 0x200)"), low.getMessage());
    assertNull(Created.refusal(0x7f0000001000L, "createInferRuntime", List.of(), "", 12040));
    assertNull(Created.refusal(Created.LOWEST_OBJECT, "createParser", List.of("a warning"), "", 0));
  }
}
