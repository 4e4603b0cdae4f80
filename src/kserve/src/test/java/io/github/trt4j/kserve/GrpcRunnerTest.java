package io.github.trt4j.kserve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The gRPC runner against an in-process KServe v2 server (grpc-java's in-process transport). */
class GrpcRunnerTest extends RemoteRunnerContract {

  final FakeBackend backend = new FakeBackend();
  final FakeGrpcServer service = new FakeGrpcServer(backend);
  String name;
  volatile Server server;
  ManagedChannel channel;

  @BeforeEach
  void start() throws Exception {
    name = InProcessServerBuilder.generateName();
    server = newServer();
    channel = InProcessChannelBuilder.forName(name).build();
    // A dropped connection: the server goes away mid-call and a fresh one takes its name, so the
    // channel sees a real transport failure and reconnects on the retry.
    service.onDisconnect =
        () -> {
          server.shutdownNow();
          try {
            server = newServer();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
  }

  Server newServer() throws java.io.IOException {
    return InProcessServerBuilder.forName(name)
        .addService(service)
        .executor(java.util.concurrent.Executors.newCachedThreadPool())
        .build()
        .start();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  @Override
  FakeBackend backend() {
    return backend;
  }

  @Override
  Runner open(String model, KServeOptions options) {
    return GrpcRunner.over(channel, model, options);
  }

  @Test
  void typedContentsInAResponseAreReadToo() throws Exception {
    try (Runner r = open("echo")) {
      backend.malform = FakeBackend.Malform.TYPED_CONTENTS;
      Map<String, Tensor> in = new java.util.LinkedHashMap<>(everyType());
      // FP16/BF16 have no typed contents in the protocol: only the other six types come back typed.
      in.keySet().removeIf(k -> k.endsWith("FP16") || k.endsWith("BF16"));
      var e = assertThrows(IllegalArgumentException.class, () -> r.run(in));
      assertTrue(e.getMessage().contains("Missing input 'in_FP16'"), e.getMessage());
    }
    backend.malform = FakeBackend.Malform.TYPED_CONTENTS;
    try (Runner r = open("affine")) {
      float[] x = {1, 7, 3, 4};
      Map<String, Tensor> out = r.run(Map.of("x", Tensor.ofFloats(Shape.of(1, 4), x)));
      assertArrayEquals(new float[] {3, 15, 7, 9}, out.get("y").floats());
      assertArrayEquals(new long[] {1}, out.get("idx").longs());
    } finally {
      backend.malform = FakeBackend.Malform.NONE;
    }
  }

  @Test
  void moreRawContentsThanOutputsIsABadResponse() throws Exception {
    try (Runner r = open("affine")) {
      backend.malform = FakeBackend.Malform.EXTRA_RAW;
      var e =
          assertThrows(
              KServeException.class,
              () -> r.run(Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[4]))));
      assertTrue(e.getMessage().contains("3 raw_output_contents for 2 outputs"), e.getMessage());
    } finally {
      backend.malform = FakeBackend.Malform.NONE;
    }
  }

  @Test
  void serverGoneMidCallIsUnavailable() throws Exception {
    try (Runner r = open("affine")) {
      service.onDisconnect = () -> server.shutdownNow();
      backend.disconnect.set(1);
      var e =
          assertTimeoutPreemptively(
              HANG,
              () ->
                  assertThrows(
                      KServeException.class,
                      () -> r.run(Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[4])))));
      assertEquals(KServeException.Reason.UNAVAILABLE, e.reason());
    }
  }

  @Test
  void overTcpWithNettyThroughTheFactory() throws Exception {
    Server tcp =
        io.grpc.Grpc.newServerBuilderForPort(0, io.grpc.InsecureServerCredentials.create())
            .addService(service)
            .build()
            .start();
    try (Runner r = Runners.open("grpc://127.0.0.1:" + tcp.getPort() + "/affine", FAST)) {
      assertTrue(r instanceof GrpcRunner);
      float[] y =
          r.run(Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[] {0, 1, 2, 3})))
              .get("y")
              .floats();
      assertArrayEquals(new float[] {1, 3, 5, 7}, y);
    } finally {
      tcp.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void nothingListeningIsUnavailableAfterRetries() {
    var e =
        assertTimeoutPreemptively(
            HANG,
            () ->
                assertThrows(
                    KServeException.class,
                    () -> GrpcRunner.connect("127.0.0.1:1", "affine", FAST)));
    assertEquals(KServeException.Reason.UNAVAILABLE, e.reason());
    assertTrue(e.getMessage().contains("after 3 attempt(s)"), e.getMessage());
  }
}
