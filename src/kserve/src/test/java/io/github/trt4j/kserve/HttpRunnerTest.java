package io.github.trt4j.kserve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import java.net.URI;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The REST runner against a KServe v2 server on the JDK's HttpServer. */
class HttpRunnerTest extends RemoteRunnerContract {

  final FakeBackend backend = new FakeBackend();
  FakeHttpServer server;

  @BeforeEach
  void start() throws Exception {
    HttpServerModule.assumePresent();
    server = new FakeHttpServer(backend);
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  FakeBackend backend() {
    return backend;
  }

  @Override
  Runner open(String model, KServeOptions options) {
    return HttpRunner.connect(URI.create(server.base()), model, options);
  }

  @Test
  void jsonDataOutputsAreReadWhenAServerSendsNoBinary() throws Exception {
    try (Runner r = open("echo")) {
      backend.malform = FakeBackend.Malform.JSON_DATA;
      // JSON has no infinity: this server could not send the FP16 overflow case as data.
      Map<String, Tensor> in = new java.util.LinkedHashMap<>(everyType());
      in.put(
          "in_FP16",
          Tensor.ofHalfs(Shape.of(2, 3), new float[] {1f / 3, 0.5f, -65504f, 1f, 2049f, 6e-8f}));
      Map<String, Tensor> out = r.run(in);
      assertArrayEquals(in.get("in_INT64").longs(), out.get("out_INT64").longs());
      assertArrayEquals(in.get("in_UINT8").bytes(), out.get("out_UINT8").bytes());
      assertArrayEquals(in.get("in_BOOL").booleans(), out.get("out_BOOL").booleans());
      assertArrayEquals(in.get("in_FP32").floats(), out.get("out_FP32").floats());
      assertEquals(0.333251953125f, out.get("out_FP16").floats()[0]);
    } finally {
      backend.malform = FakeBackend.Malform.NONE;
    }
  }

  @Test
  void brokenFramingIsABadResponse() throws Exception {
    try (Runner r = open("affine")) {
      Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[4]));
      Map<FakeBackend.Malform, String> want =
          Map.of(
              FakeBackend.Malform.BAD_JSON, "Malformed JSON",
              FakeBackend.Malform.HEADER_TOO_LONG, "Inference-Header-Content-Length",
              FakeBackend.Malform.TRAILING_BYTES, "3 bytes of the body belong to no output");
      for (var w : want.entrySet()) {
        backend.malform = w.getKey();
        var e = assertThrows(KServeException.class, () -> r.run(in));
        assertEquals(KServeException.Reason.BAD_RESPONSE, e.reason());
        assertTrue(e.getMessage().contains(w.getValue()), w.getKey() + ": " + e.getMessage());
      }
    } finally {
      backend.malform = FakeBackend.Malform.NONE;
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
                    () -> HttpRunner.connect(URI.create("http://127.0.0.1:1"), "affine", FAST)));
    assertEquals(KServeException.Reason.UNAVAILABLE, e.reason());
  }

  @Test
  void factoryOpensHttpWithAVersion() throws Exception {
    try (Runner r = Runners.open(server.base() + "/affine", FAST)) {
      assertTrue(r instanceof HttpRunner);
      assertEquals("affine", r.model().name());
    }
  }
}
