package io.github.trt4j;

import static io.github.trt4j.Reference.FP32_ATOL;
import static io.github.trt4j.Reference.FP32_RTOL;
import static io.github.trt4j.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.trt4j.kserve.Runners;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code Runners.open("engine:...")}: the local runner behind the same interface as the remote
 * ones.
 */
@GpuTest
class RunnersGpuTest {

  @Test
  void engineUriRunsTheEngineLikeAnInferer() throws Exception {
    String path = TestModels.engine("dynamic").toAbsolutePath().toString();
    try (TrtEngine e = TrtEngine.load(TestModels.engine("dynamic"));
        Runner r = Runners.open("engine:" + path + "?device=0&profile=0")) {
      assertEquals(e.tensors(), r.model().tensors());
      Tensor x = TestModels.npy("dynamic.in.x.b7.npy");
      Tensor y = r.run(Map.of("x", x)).get("y");
      assertEquals(Shape.of(7, 4), y.shape());
      assertClose(
          "y batch 7 via engine: runner",
          TestModels.npy("dynamic.out.y.b7.npy").floats(),
          y.floats(),
          FP32_RTOL,
          FP32_ATOL);
    }
  }
}
