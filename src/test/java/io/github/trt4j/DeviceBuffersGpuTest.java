package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DeviceBuffers: device memory for every tensor, alone and as a binding's device side. */
@GpuTest
class DeviceBuffersGpuTest {

  @Test
  void buffersCoverEveryTensorAndRunLikeRunMap() throws IOException {
    for (String model : List.of("seed", "dynamic", "mixed")) {
      try (TrtEngine e = TrtEngine.load(TestModels.engine(model));
          Inferer inf = e.createInferer();
          DeviceBuffers buf = inf.createDeviceBuffers()) {
        assertEquals(e.tensors().size(), buf.tensors().size(), model + ": one buffer per tensor");
        for (TensorSpec s : e.tensors()) {
          DeviceTensor d = buf.get(s.name());
          assertEquals(s.dataType(), d.dataType(), model + " " + s.name());
          assertTrue(d.capacity() >= s.dataType().bytesFor(d.shape().elementCount()), s.name());
        }
        Map<String, Tensor> in = FastPathGpuTest.inputs(model);
        Map<String, Tensor> want = inf.run(in);
        for (var x : in.entrySet()) {
          buf.get(x.getKey()).copyFrom(x.getValue());
        }
        try (IoBinding b = inf.createBinding(buf)) {
          for (var x : in.entrySet()) {
            b.bind(x.getKey(), buf.get(x.getKey()));
          }
          inf.run(b);
          for (TensorSpec s : e.outputs()) {
            Tensor got = buf.get(s.name()).reshape(b.shape(s.name())).toTensor();
            FastPathGpuTest.assertSame(model + " " + s.name(), want.get(s.name()), got);
          }
        }
      }
    }
  }

  @Test
  void closedBuffersAndUnknownNamesAreRefused() throws IOException {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer inf = e.createInferer()) {
      DeviceBuffers buf = inf.createDeviceBuffers();
      var x = assertThrows(IllegalArgumentException.class, () -> buf.get("nope"));
      assertTrue(x.getMessage().startsWith("No tensor 'nope'"), x.getMessage());
      buf.close();
      buf.close();
      assertThrows(IllegalStateException.class, () -> buf.get("heatmaps"));
    }
  }
}
