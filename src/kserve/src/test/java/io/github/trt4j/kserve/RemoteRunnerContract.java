package io.github.trt4j.kserve;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.DataType;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * What every remote runner must do against a protocol server; gRPC and REST subclasses supply the
 * transport.
 */
abstract class RemoteRunnerContract {

  /** Short retries so the failure tests finish quickly; hang guards are generous. */
  static final KServeOptions FAST =
      KServeOptions.defaults()
          .withTimeout(Duration.ofSeconds(10))
          .withRetries(3, Duration.ofMillis(10), Duration.ofMillis(40));

  static final Duration HANG = Duration.ofSeconds(60);

  abstract FakeBackend backend();

  abstract Runner open(String model, KServeOptions options) throws Exception;

  Runner open(String model) throws Exception {
    return open(model, FAST);
  }

  @Test
  void metadataBecomesTheTensorSpecsALocalEngineGives() throws Exception {
    try (Runner r = open("affine")) {
      assertEquals("affine", r.model().name());
      assertEquals(
          List.of(
              TensorSpec.of(0, "x", Direction.INPUT, DataType.FLOAT, Shape.of(-1, 4)),
              TensorSpec.of(1, "y", Direction.OUTPUT, DataType.FLOAT, Shape.of(-1, 4)),
              TensorSpec.of(2, "idx", Direction.OUTPUT, DataType.INT64, Shape.of(-1))),
          r.model().tensors());
      assertEquals(List.of("x"), r.model().inputs().stream().map(TensorSpec::name).toList());
    }
  }

  @Test
  void computesWithTheServerForSeveralBatchSizes() throws Exception {
    try (Runner r = open("affine")) {
      Random rnd = new Random(3);
      for (int b : new int[] {1, 5, 64}) {
        float[] x = new float[b * 4];
        for (int i = 0; i < x.length; i++) {
          x[i] = rnd.nextFloat() * 10 - 5;
        }
        Map<String, Tensor> out = r.run(Map.of("x", Tensor.ofFloats(Shape.of(b, 4), x)));
        assertEquals(List.of("y", "idx"), List.copyOf(out.keySet()));
        assertEquals(Shape.of(b, 4), out.get("y").shape());
        float[] y = out.get("y").floats();
        long[] idx = out.get("idx").longs();
        for (int row = 0; row < b; row++) {
          int best = 0;
          for (int c = 0; c < 4; c++) {
            // 2x+1 in float is what the server computes; exact equality holds.
            assertEquals(2 * x[row * 4 + c] + 1, y[row * 4 + c], 0f, "y[" + row + "," + c + "]");
            best = x[row * 4 + c] > x[row * 4 + best] ? c : best;
          }
          assertEquals(best, idx[row], "idx[" + row + "]");
        }
      }
    }
  }

  /** One tensor of every type; FP16/BF16 values include ones that must round (nearest even). */
  static Map<String, Tensor> everyType() {
    Shape s = Shape.of(2, 3);
    Map<String, Tensor> in = new LinkedHashMap<>();
    in.put(
        "in_FP32", Tensor.ofFloats(s, new float[] {1.5f, -2.25f, 3.4028235e38f, 1e-45f, 0f, -0f}));
    in.put(
        "in_FP16",
        Tensor.ofHalfs(
            s, new float[] {1f / 3, 0.5f, -65504f, Float.POSITIVE_INFINITY, 2049f, 6e-8f}));
    in.put(
        "in_BF16",
        Tensor.ofBf16s(s, new float[] {1f / 3, 1.00390625f, 1.01171875f, -3f, 1e30f, 0f}));
    in.put("in_INT8", Tensor.ofBytes(DataType.INT8, s, new byte[] {-128, -1, 0, 1, 127, 42}));
    in.put(
        "in_UINT8",
        Tensor.ofBytes(
            DataType.UINT8, s, new byte[] {0, 1, (byte) 128, (byte) 200, (byte) 255, 7}));
    in.put(
        "in_INT32",
        Tensor.ofInts(s, new int[] {Integer.MIN_VALUE, -1, 0, 1, Integer.MAX_VALUE, 123456789}));
    in.put(
        "in_INT64",
        Tensor.ofLongs(s, new long[] {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 1L << 53 | 1}));
    in.put("in_BOOL", Tensor.ofBooleans(s, new boolean[] {true, false, false, true, true, false}));
    return in;
  }

  @Test
  void everyDataTypeRoundTrips() throws Exception {
    try (Runner r = open("echo")) {
      Map<String, Tensor> in = everyType();
      Map<String, Tensor> out = r.run(in);
      assertEquals(8, out.size());
      assertArrayEquals(in.get("in_FP32").floats(), out.get("out_FP32").floats());
      // IEEE half, nearest even: 1/3 -> 0x3555 = 0.333251953125; infinity stays infinity (finite
      // values beyond 65504 are refused when the tensor is made); 2049 ties between 2048 and 2050
      // and goes to 2048 (even);
      // 6e-8 is nearest the smallest subnormal 2^-24.
      assertArrayEquals(
          new float[] {0.333251953125f, 0.5f, -65504f, Float.POSITIVE_INFINITY, 2048f, 0x1p-24f},
          out.get("out_FP16").floats());
      assertEquals(DataType.HALF, out.get("out_FP16").dataType());
      // bfloat16, nearest even: 1/3 -> 0x3EAB = 0.333984375; 1+2^-8 ties to 1.0; 1+3*2^-8 ties up
      // to 1.015625;
      // 1e30 = 1.5777218 * 2^99; 1.5777218 * 128 = 201.95 rounds to 202, so 1.578125 * 2^99
      // (0x714A).
      assertArrayEquals(
          new float[] {0.333984375f, 1f, 1.015625f, -3f, 1.578125f * 0x1p99f, 0f},
          out.get("out_BF16").floats());
      for (String t : List.of("INT8", "UINT8")) {
        assertArrayEquals(in.get("in_" + t).bytes(), out.get("out_" + t).bytes(), t);
        assertEquals(in.get("in_" + t).dataType(), out.get("out_" + t).dataType());
      }
      assertArrayEquals(in.get("in_INT32").ints(), out.get("out_INT32").ints());
      assertArrayEquals(in.get("in_INT64").longs(), out.get("out_INT64").longs());
      assertArrayEquals(in.get("in_BOOL").booleans(), out.get("out_BOOL").booleans());
      assertEquals(Shape.of(2, 3), out.get("out_BOOL").shape());
    }
  }

  @Test
  void callerMistakesNameTheTensorAndNeverReachTheServer() throws Exception {
    try (Runner r = open("affine")) {
      int calls = backend().inferCalls.get();
      Tensor ok = Tensor.ofFloats(Shape.of(1, 4), new float[4]);
      var e = assertThrows(IllegalArgumentException.class, () -> r.run(Map.of("x", ok, "z", ok)));
      assertTrue(
          e.getMessage().contains("Unknown input 'z'") && e.getMessage().contains("[x]"),
          e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> r.run(Map.of()));
      assertTrue(e.getMessage().contains("Missing input 'x'"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> r.run(Map.of("x", Tensor.ofInts(Shape.of(1, 4), new int[4]))));
      assertTrue(e.getMessage().contains("Input 'x' needs float32; got int32"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> r.run(Map.of("x", Tensor.ofFloats(Shape.of(1, 3), new float[3]))));
      assertTrue(
          e.getMessage().contains("Input 'x' needs shape [-1, 4]")
              && e.getMessage().contains("got [1, 3]"),
          e.getMessage());
      assertEquals(calls, backend().inferCalls.get());
    }
  }

  @Test
  void modelNotReadyAndUnknownModelAreReported() {
    backend().ready = false;
    var e = assertThrows(KServeException.class, () -> open("affine").close());
    assertEquals(KServeException.Reason.MODEL_NOT_READY, e.reason());
    assertTrue(e.getMessage().contains("'affine'"), e.getMessage());
    backend().ready = true;
    e = assertThrows(KServeException.class, () -> open("nope").close());
    assertEquals(KServeException.Reason.MODEL_NOT_READY, e.reason());
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }

  @Test
  void unavailableIsRetriedWithBackoffThenReported() throws Exception {
    try (Runner r = open("affine")) {
      Map<String, Tensor> in =
          Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[] {1, 2, 3, 4}));
      backend().unavailable.set(2); // two failures, then an answer: 3 attempts suffice
      assertEquals(9f, r.run(in).get("y").floats()[3]);
      assertEquals(0, backend().unavailable.get());
      backend().unavailable.set(3); // one more failure than attempts
      var e = assertThrows(KServeException.class, () -> r.run(in));
      assertEquals(KServeException.Reason.UNAVAILABLE, e.reason());
      assertTrue(e.getMessage().contains("after 3 attempt(s)"), e.getMessage());
    }
  }

  @Test
  void slowServerTimesOut() throws Exception {
    try (Runner r = open("affine", FAST.withTimeout(Duration.ofMillis(300)))) {
      backend().delayMillis = 3000;
      var e =
          assertTimeoutPreemptively(
              HANG,
              () ->
                  assertThrows(
                      KServeException.class,
                      () -> r.run(Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[4])))));
      assertEquals(KServeException.Reason.TIMEOUT, e.reason());
      assertTrue(e.getMessage().contains("300 ms"), e.getMessage());
    } finally {
      backend().delayMillis = 0;
    }
  }

  @Test
  void droppedConnectionsAreRetriedThenReported() throws Exception {
    try (Runner r = open("affine")) {
      Map<String, Tensor> in =
          Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[] {4, 3, 2, 1}));
      backend().disconnect.set(1);
      assertEquals(0L, assertTimeoutPreemptively(HANG, () -> r.run(in)).get("idx").longs()[0]);
      backend().disconnect.set(100);
      var e =
          assertTimeoutPreemptively(
              HANG, () -> assertThrows(KServeException.class, () -> r.run(in)));
      assertEquals(KServeException.Reason.UNAVAILABLE, e.reason());
    } finally {
      backend().disconnect.set(0);
    }
  }

  /**
   * What the runner says when the server sends one element's worth too little of output y [2, 4].
   */
  String shortOutputMessage() {
    return "output 'y' has 31 bytes; FP32 [2, 4] needs 32";
  }

  @Test
  void malformedResponsesNameTheOutput() throws Exception {
    try (Runner r = open("affine")) {
      Map<String, Tensor> in = Map.of("x", Tensor.ofFloats(Shape.of(2, 4), new float[8]));
      Map<FakeBackend.Malform, String> want = new LinkedHashMap<>();
      want.put(FakeBackend.Malform.SHORT_RAW, shortOutputMessage());
      want.put(
          FakeBackend.Malform.WRONG_DTYPE,
          "output 'y' came back as INT32; the model's metadata says FP32");
      want.put(FakeBackend.Malform.MISSING_OUTPUT, "no output 'idx'");
      want.put(FakeBackend.Malform.BAD_SHAPE, "output 'y'");
      List<String> seen = new ArrayList<>();
      for (var w : want.entrySet()) {
        backend().malform = w.getKey();
        var e = assertThrows(KServeException.class, () -> r.run(in), w.getKey().toString());
        assertEquals(KServeException.Reason.BAD_RESPONSE, e.reason());
        assertTrue(e.getMessage().contains(w.getValue()), w.getKey() + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("model 'affine'"), e.getMessage());
        seen.add(e.getMessage());
      }
      backend().malform = FakeBackend.Malform.NONE;
      assertEquals(1f, r.run(in).get("y").floats()[0]);
    } finally {
      backend().malform = FakeBackend.Malform.NONE;
    }
  }

  @Test
  void oneRunnerServesManyThreads() throws Exception {
    try (Runner r = open("affine");
        ExecutorService pool = Executors.newFixedThreadPool(8)) {
      List<Future<Boolean>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        fs.add(
            pool.submit(
                () -> {
                  Random rnd = new Random(seed);
                  for (int i = 0; i < 25; i++) {
                    float[] x = {
                      rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat(), rnd.nextFloat()
                    };
                    float[] y =
                        r.run(Map.of("x", Tensor.ofFloats(Shape.of(1, 4), x))).get("y").floats();
                    for (int c = 0; c < 4; c++) {
                      if (y[c] != 2 * x[c] + 1) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : fs) {
        assertTrue(assertTimeoutPreemptively(HANG, () -> f.get()));
      }
    }
  }

  @Test
  void serverSideRefusalIsTheCallersMistake() throws Exception {
    // The metadata allows batch 0, the fake server refuses it: the server's message comes back as
    // an IllegalArgumentException (gRPC INVALID_ARGUMENT, HTTP 400).
    try (Runner r = open("affine")) {
      var e =
          assertThrows(
              IllegalArgumentException.class,
              () -> r.run(Map.of("x", Tensor.ofFloats(Shape.of(0, 4), new float[0]))));
      assertTrue(
          e.getMessage().contains("refused") && e.getMessage().contains("batch size 0"),
          e.getMessage());
    }
  }

  @Test
  void closedRunnerRefusesWork() throws Exception {
    Runner r = open("affine");
    r.close();
    r.close(); // idempotent
    var e =
        assertThrows(
            IllegalStateException.class,
            () -> r.run(Map.of("x", Tensor.ofFloats(Shape.of(1, 4), new float[4]))));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
  }
}
