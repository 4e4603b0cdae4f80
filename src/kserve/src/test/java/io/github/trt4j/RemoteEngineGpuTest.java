package io.github.trt4j;

import static io.github.trt4j.Reference.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.trt4j.kserve.GrpcRunner;
import io.github.trt4j.kserve.KServeOptions;
import io.github.trt4j.kserve.RunnerGrpcService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A real engine behind the KServe v2 gRPC protocol (served in-process by {@link RunnerGrpcService},
 * a stand-in for Triton) and called through {@link GrpcRunner}: its metadata gives the engine's
 * tensor list and its float16, int32, int64 and bool outputs match the references.
 */
@GpuTest
class RemoteEngineGpuTest {

  @Test
  void mixedTypesEngineThroughGrpc() throws Exception {
    try (TrtEngine e = TrtEngine.load(TestModels.engine("mixed"));
        Inferer inf = e.createInferer()) {
      String name = InProcessServerBuilder.generateName();
      Server server =
          InProcessServerBuilder.forName(name)
              .addService(new RunnerGrpcService("mixed", inf))
              .build()
              .start();
      ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
      try (Runner remote = GrpcRunner.over(ch, "mixed", KServeOptions.defaults())) {
        assertEquals(e.tensors().size(), remote.model().tensors().size());
        for (TensorSpec t : e.tensors()) {
          TensorSpec r = remote.model().tensor(t.name());
          assertEquals(t.direction(), r.direction(), t.name());
          assertEquals(t.dataType(), r.dataType(), t.name());
          assertEquals(t.shape(), r.shape(), t.name());
        }
        Map<String, Tensor> out = remote.run(Map.of("h", TestModels.npy("mixed.in.h.npy")));
        // Same tolerances as InferenceGpuTest.mixedDataTypes: float16 output within 4e-3 absolute.
        assertClose(
            "h2", TestModels.npy("mixed.out.h2.npy").floats(), out.get("h2").floats(), 0, 4e-3);
        assertArrayEquals(TestModels.npy("mixed.out.floor4.npy").ints(), out.get("floor4").ints());
        assertArrayEquals(
            TestModels.npy("mixed.out.argmax.npy").longs(), out.get("argmax").longs());
        assertArrayEquals(
            TestModels.npy("mixed.out.positive.npy").booleans(), out.get("positive").booleans());
      } finally {
        ch.shutdownNow();
        server.shutdownNow();
      }
    }
  }
}
