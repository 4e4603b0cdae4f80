package io.github.trt4j.kserve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.DataType;
import io.github.trt4j.Model;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A CPU runner served over gRPC and called through GrpcRunner: the same model and results both
 * ways.
 */
class RunnerGrpcServiceTest {

  /** x INT64 [-1] → neg INT64 [-1] = -x, pos BOOL [-1] = x > 0. */
  static final class Negate implements Runner {
    record M(String name, List<TensorSpec> tensors) implements Model {}

    final Model model =
        new M(
            "negate",
            List.of(
                TensorSpec.of(0, "x", Direction.INPUT, DataType.INT64, Shape.of(-1)),
                TensorSpec.of(1, "neg", Direction.OUTPUT, DataType.INT64, Shape.of(-1)),
                TensorSpec.of(2, "pos", Direction.OUTPUT, DataType.BOOL, Shape.of(-1))));

    @Override
    public Model model() {
      return model;
    }

    @Override
    public Map<String, Tensor> run(Map<String, Tensor> in) {
      long[] x = in.get("x").longs();
      long[] n = new long[x.length];
      boolean[] p = new boolean[x.length];
      for (int i = 0; i < x.length; i++) {
        n[i] = -x[i];
        p[i] = x[i] > 0;
      }
      return Map.of(
          "neg",
          Tensor.ofLongs(in.get("x").shape(), n),
          "pos",
          Tensor.ofBooleans(in.get("x").shape(), p));
    }

    @Override
    public void close() {}
  }

  @Test
  void aServedRunnerLooksAndAnswersLikeTheLocalOne() throws Exception {
    Negate local = new Negate();
    String name = InProcessServerBuilder.generateName();
    Server server =
        InProcessServerBuilder.forName(name)
            .addService(new RunnerGrpcService("negate", local))
            .build()
            .start();
    ManagedChannel ch = InProcessChannelBuilder.forName(name).build();
    try (Runner remote = GrpcRunner.over(ch, "negate", KServeOptions.defaults())) {
      assertEquals(local.model().tensors(), remote.model().tensors());
      Map<String, Tensor> in =
          Map.of("x", Tensor.ofLongs(Shape.of(4), new long[] {3, -7, 0, Long.MAX_VALUE}));
      Map<String, Tensor> got = remote.run(in);
      Map<String, Tensor> want = local.run(in);
      assertArrayEquals(want.get("neg").longs(), got.get("neg").longs());
      assertArrayEquals(want.get("pos").booleans(), got.get("pos").booleans());
      assertEquals(List.of("neg", "pos"), List.copyOf(got.keySet()), "the model's output order");
      var e =
          assertThrows(
              KServeException.class, () -> GrpcRunner.over(ch, "other", KServeOptions.defaults()));
      assertTrue(e.getMessage().contains("unknown model 'other'"), e.getMessage());
    } finally {
      ch.shutdownNow();
      server.shutdownNow();
    }
  }
}
