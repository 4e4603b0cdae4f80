package io.github.trt4j.kserve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.internal.ChildJvm;
import io.github.trt4j.kserve.proto.GRPCInferenceServiceGrpc;
import io.github.trt4j.kserve.proto.KServeV2.ModelInferRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelInferResponse;
import io.github.trt4j.kserve.proto.KServeV2.ModelMetadataRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelMetadataResponse;
import io.github.trt4j.kserve.proto.KServeV2.ModelReadyRequest;
import io.github.trt4j.kserve.proto.KServeV2.ModelReadyResponse;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Issue 16, classes 2, 3, 7 and the remote half of 10: servers that trickle, send gigabytes, repeat
 * tensor names, send sizes as strings or megabyte status texts. Each call ends in a KServeException
 * of the right reason within its deadline; the gigabyte answers are read in a child JVM with a 128
 * MB heap.
 */
class RemoteHostileTest {

  static final Duration GUARD = Duration.ofSeconds(30);
  static final KServeOptions ONE_SECOND =
      KServeOptions.defaults()
          .withTimeout(Duration.ofSeconds(1))
          .withRetries(1, Duration.ZERO, Duration.ZERO);
  static final Map<String, Tensor> IN = Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[4]));

  private static KServeException fails(
      KServeException.Reason reason, Duration within, Runnable call) {
    long t0 = System.nanoTime();
    KServeException e =
        assertTimeoutPreemptively(GUARD, () -> assertThrows(KServeException.class, call::run));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertEquals(reason, e.reason(), e.getMessage());
    assertTrue(ms <= within.toMillis(), "took " + ms + " ms: " + e.getMessage());
    assertTrue(
        e.getMessage().length() < 3_000, "a " + e.getMessage().length() + "-character message");
    return e;
  }

  @Test
  void oneDeadlineCoversHeadersAndBody() throws Exception {
    try (HostileHttpServer s = new HostileHttpServer()) {
      URI base = URI.create(s.base());
      s.meta = HostileHttpServer.Meta.TRICKLE;
      fails(
          KServeException.Reason.TIMEOUT,
          Duration.ofSeconds(5),
          () -> HttpRunner.connect(base, "m", ONE_SECOND));
      s.meta = HostileHttpServer.Meta.NORMAL;
      try (HttpRunner r = HttpRunner.connect(base, "m", ONE_SECOND)) {
        for (HostileHttpServer.Infer mode :
            List.of(
                HostileHttpServer.Infer.TRICKLE_BODY, HostileHttpServer.Infer.TRICKLE_HEADERS)) {
          s.infer = mode;
          KServeException e =
              fails(KServeException.Reason.TIMEOUT, Duration.ofSeconds(5), () -> r.run(IN));
          assertTrue(e.getMessage().contains("within 1000 ms"), e.getMessage());
        }
        s.infer = HostileHttpServer.Infer.OK;
        assertEquals(2f, r.run(IN).get("y").floats()[1]);
      }
    }
    System.out.println(
        "issue16 class 2: 3 trickling servers (metadata, body, headers), each TIMEOUT within 5 s");
  }

  @Test
  void gigabyteAnswersAreRefusedUnreadInA128MbHeap() throws Exception {
    ChildJvm.Outcome o =
        ChildJvm.run(
            List.of("-Xmx128m", "-XX:+ExitOnOutOfMemoryError"),
            HostileRestChild.class.getName(),
            List.of(),
            Duration.ofSeconds(120));
    assertFalse(o.timedOut(), o.stdout());
    assertEquals(
        0,
        o.exitCode(),
        "exit " + o.exitCode() + " (3 = out of memory)\n" + o.stdout() + o.stderr());
    String[] lines = o.stdout().strip().split("\n");
    assertEquals(5, lines.length, o.stdout());
    assertTrue(
        lines[0].startsWith("metadata HUGE -> BAD_RESPONSE: ")
            && lines[0].contains("Content-Length 1073741824"),
        lines[0]);
    assertTrue(
        lines[1].startsWith("infer HUGE_DECLARED -> BAD_RESPONSE: ")
            && lines[1].contains("output 'y'")
            && lines[1].contains("65664 bytes")
            && lines[1].contains("Content-Length 1073741824"),
        lines[1]);
    assertTrue(
        lines[2].startsWith("infer HUGE_CHUNKED -> BAD_RESPONSE: ")
            && lines[2].contains("output 'y'")
            && lines[2].contains("no Content-Length"),
        lines[2]);
    assertTrue(
        lines[3].startsWith("infer HUGE_ERROR -> SERVER_ERROR: ") && lines[3].length() < 2_500,
        lines[3]);
    assertTrue(lines[4].startsWith("infer OK -> OK"), "the client survives: " + lines[4]);
    for (String l : lines) {
      int ms = Integer.parseInt(l.replaceAll(".*\\[(\\d+) ms\\]$", "$1"));
      assertTrue(ms < 20_000, l);
    }
    System.out.println(
        "issue16 class 3 (REST, -Xmx128m child):\n  "
            + o.stdout()
                .strip()
                .replace("\n", "\n  ")
                .replaceAll("(.{200}).*(\\[\\d+ ms\\])", "$1… $2"));
  }

  @Test
  void repeatedNamesAndStringSizesAreRefused() throws Exception {
    try (HostileHttpServer s = new HostileHttpServer()) {
      URI base = URI.create(s.base());
      s.meta = HostileHttpServer.Meta.DUP_OUTPUT;
      KServeException e =
          fails(
              KServeException.Reason.BAD_RESPONSE,
              Duration.ofSeconds(5),
              () -> HttpRunner.connect(base, "m", ONE_SECOND));
      assertTrue(e.getMessage().contains("tensor name 'y' twice"), e.getMessage());
      s.meta = HostileHttpServer.Meta.DUP_INPUT;
      e =
          fails(
              KServeException.Reason.BAD_RESPONSE,
              Duration.ofSeconds(5),
              () -> HttpRunner.connect(base, "m", ONE_SECOND));
      assertTrue(e.getMessage().contains("tensor name 'x' twice"), e.getMessage());
      s.meta = HostileHttpServer.Meta.NORMAL;
      s.infer = HostileHttpServer.Infer.STRING_SIZE;
      try (HttpRunner r = HttpRunner.connect(base, "m", ONE_SECOND)) {
        e = fails(KServeException.Reason.BAD_RESPONSE, Duration.ofSeconds(5), () -> r.run(IN));
        assertTrue(
            e.getMessage().contains("binary_data_size \"16\", which is not a JSON integer"),
            e.getMessage());
      }
    }
    System.out.println(
        "issue16 classes 7, 10 (REST): 2 repeated-name metadata, 1 string size: BAD_RESPONSE");
  }

  /** A KServe gRPC service whose answers are hostile. */
  static final class HostileGrpc extends GRPCInferenceServiceGrpc.GRPCInferenceServiceImplBase {
    volatile boolean duplicate;
    volatile int outputBytes = 16;
    volatile int statusChars;

    @Override
    public void modelReady(ModelReadyRequest r, StreamObserver<ModelReadyResponse> o) {
      o.onNext(ModelReadyResponse.newBuilder().setReady(true).build());
      o.onCompleted();
    }

    @Override
    public void modelMetadata(ModelMetadataRequest r, StreamObserver<ModelMetadataResponse> o) {
      ModelMetadataResponse.Builder b = ModelMetadataResponse.newBuilder().setName("m");
      b.addInputsBuilder().setName("x").setDatatype("FP32").addAllShape(List.of(1L, 4L));
      b.addOutputsBuilder().setName("y").setDatatype("FP32").addAllShape(List.of(1L, 4L));
      if (duplicate) {
        b.addOutputsBuilder().setName("y").setDatatype("INT64").addAllShape(List.of(2L));
      }
      o.onNext(b.build());
      o.onCompleted();
    }

    @Override
    public void modelInfer(ModelInferRequest r, StreamObserver<ModelInferResponse> o) {
      if (statusChars > 0) {
        o.onError(Status.INTERNAL.withDescription("e".repeat(statusChars)).asRuntimeException());
        return;
      }
      ModelInferResponse.Builder b = ModelInferResponse.newBuilder().setModelName("m");
      b.addOutputsBuilder().setName("y").setDatatype("FP32").addAllShape(List.of(1L, 4L));
      b.addRawOutputContents(ByteString.copyFrom(new byte[outputBytes]));
      o.onNext(b.build());
      o.onCompleted();
    }
  }

  @Test
  void grpcAnswersAreCappedFromTheMetadata() throws Exception {
    HostileGrpc service = new HostileGrpc();
    Server server =
        io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder.forAddress(
                new InetSocketAddress("127.0.0.1", 0))
            .addService(service)
            .maxInboundMessageSize(1 << 20)
            .build()
            .start();
    String target = "127.0.0.1:" + server.getPort();
    KServeOptions opts = ONE_SECOND.withTimeout(Duration.ofSeconds(10));
    int cases = 0;
    try {
      try (GrpcRunner r = GrpcRunner.connect(target, "m", opts)) {
        assertEquals(4, r.run(IN).get("y").floats().length);
        for (int bytes : new int[] {80_000, 8 << 20, 48 << 20}) {
          service.outputBytes = bytes;
          KServeException e =
              fails(KServeException.Reason.BAD_RESPONSE, Duration.ofSeconds(10), () -> r.run(IN));
          assertTrue(
              e.getMessage().contains("output 'y'")
                  && e.getMessage().contains("65576 bytes")
                  && e.getMessage().contains("exceeds maximum size 65576: "),
              e.getMessage());
          long size =
              Long.parseLong(e.getMessage().replaceAll("(?s).*maximum size 65576: (\\d+).*", "$1"));
          assertTrue(size > bytes && size < bytes + 100, "the size named is the answer's: " + size);
          cases++;
        }
        service.outputBytes = 16;
        assertEquals(4, r.run(IN).get("y").floats().length, "the channel survives");
        service.statusChars = 1 << 20;
        KServeException e =
            fails(KServeException.Reason.SERVER_ERROR, Duration.ofSeconds(10), () -> r.run(IN));
        assertTrue(e.getMessage().length() < 2_500, e.getMessage().length() + " characters");
        cases++;
        service.statusChars = 0;
      }
      service.duplicate = true;
      KServeException e =
          fails(
              KServeException.Reason.BAD_RESPONSE,
              Duration.ofSeconds(10),
              () -> {
                try {
                  GrpcRunner.connect(target, "m", opts).close();
                } catch (java.io.IOException io) {
                  throw new java.io.UncheckedIOException(io);
                }
              });
      assertTrue(e.getMessage().contains("tensor name 'y' twice"), e.getMessage());
      cases++;
    } finally {
      server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
    System.out.println(
        "issue16 classes 3, 7, 10 (gRPC): " + cases + " hostile answers, each a KServeException");
  }
}
