package io.github.trt4j.kserve;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The models behind the in-process test servers, written independently of the client's codec (plain
 * little-endian ByteBuffers): the gRPC and HTTP fakes both answer from here, and their knobs make
 * them slow, unavailable, not ready or malformed.
 *
 * <ul>
 *   <li>{@code affine}: x FP32 [-1, 4] → y FP32 [-1, 4] = 2x + 1, and idx INT64 [-1] = the argmax
 *       of each row.
 *   <li>{@code echo}: {@code in_T} → {@code out_T}, the same bytes, for every type trt4j carries.
 *   <li>{@code bench}: x FP32 [1, -1] → y FP32 [1, -1], the same bytes (for the overhead
 *       benchmark).
 * </ul>
 */
final class FakeBackend {

  static final List<String> TYPES =
      List.of("FP32", "FP16", "BF16", "INT8", "UINT8", "INT32", "INT64", "BOOL");

  record Meta(String name, String datatype, long[] shape) {}

  record T(String name, String datatype, long[] shape, byte[] data) {}

  /** How the next answers go wrong. */
  enum Malform {
    NONE,
    SHORT_RAW,
    WRONG_DTYPE,
    MISSING_OUTPUT,
    EXTRA_RAW,
    TYPED_CONTENTS,
    JSON_DATA,
    BAD_JSON,
    HEADER_TOO_LONG,
    TRAILING_BYTES,
    BAD_SHAPE
  }

  volatile boolean ready = true;
  volatile long delayMillis;
  volatile Malform malform = Malform.NONE;

  /** The next this-many calls answer UNAVAILABLE (gRPC) or 503 (HTTP). */
  final AtomicInteger unavailable = new AtomicInteger();

  /** The next this-many calls drop the connection without an answer. */
  final AtomicInteger disconnect = new AtomicInteger();

  final AtomicInteger inferCalls = new AtomicInteger();

  static List<Meta> inputs(String model) {
    return switch (model) {
      case "affine" -> List.of(new Meta("x", "FP32", new long[] {-1, 4}));
      case "bench" -> List.of(new Meta("x", "FP32", new long[] {1, -1}));
      case "echo" -> TYPES.stream().map(t -> new Meta("in_" + t, t, new long[] {-1, 3})).toList();
      default -> null;
    };
  }

  static List<Meta> outputs(String model) {
    return switch (model) {
      case "affine" ->
          List.of(
              new Meta("y", "FP32", new long[] {-1, 4}), new Meta("idx", "INT64", new long[] {-1}));
      case "bench" -> List.of(new Meta("y", "FP32", new long[] {1, -1}));
      case "echo" -> TYPES.stream().map(t -> new Meta("out_" + t, t, new long[] {-1, 3})).toList();
      default -> null;
    };
  }

  static int size(String datatype) {
    return switch (datatype) {
      case "FP32", "INT32" -> 4;
      case "FP16", "BF16" -> 2;
      case "INT64" -> 8;
      default -> 1;
    };
  }

  /** Waits as configured; whether the call should fail as unavailable. */
  boolean stallAndCheckUnavailable() throws InterruptedException {
    if (delayMillis > 0) {
      Thread.sleep(delayMillis);
    }
    return unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  boolean takeDisconnect() {
    return disconnect.getAndUpdate(n -> Math.max(0, n - 1)) > 0;
  }

  /**
   * Runs a model.
   *
   * @throws IllegalArgumentException what a server reports as a bad request
   */
  List<T> infer(String model, List<T> in) {
    inferCalls.incrementAndGet();
    List<Meta> want = inputs(model);
    if (want == null) {
      throw new IllegalArgumentException("unknown model " + model);
    }
    for (T t : in) {
      long n = 1;
      for (long d : t.shape()) {
        n *= d;
      }
      if (t.data().length != n * size(t.datatype())) {
        throw new IllegalArgumentException(
            "input '"
                + t.name()
                + "' has "
                + t.data().length
                + " bytes, shape needs "
                + n * size(t.datatype()));
      }
    }
    List<T> out = new ArrayList<>();
    if (model.equals("bench")) {
      out.add(new T("y", "FP32", in.get(0).shape(), in.get(0).data()));
    } else if (model.equals("affine")) {
      T x =
          in.stream()
              .filter(t -> t.name().equals("x"))
              .findFirst()
              .orElseThrow(() -> new IllegalArgumentException("missing input 'x'"));
      int rows = (int) x.shape()[0];
      if (rows == 0) {
        throw new IllegalArgumentException("fake: batch size 0 is not supported");
      }
      ByteBuffer xb = ByteBuffer.wrap(x.data()).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer y = ByteBuffer.allocate(rows * 16).order(ByteOrder.LITTLE_ENDIAN);
      ByteBuffer idx = ByteBuffer.allocate(rows * 8).order(ByteOrder.LITTLE_ENDIAN);
      for (int r = 0; r < rows; r++) {
        int best = 0;
        for (int c = 0; c < 4; c++) {
          float v = xb.getFloat((r * 4 + c) * 4);
          y.putFloat((r * 4 + c) * 4, 2 * v + 1);
          if (v > xb.getFloat((r * 4 + best) * 4)) {
            best = c;
          }
        }
        idx.putLong(r * 8, best);
      }
      out.add(new T("y", "FP32", x.shape(), y.array()));
      out.add(new T("idx", "INT64", new long[] {rows}, idx.array()));
    } else {
      for (T t : in) {
        out.add(new T("out_" + t.name().substring(3), t.datatype(), t.shape(), t.data()));
      }
    }
    return out;
  }

  /** The answer after the configured malformation (the transport-independent ones). */
  List<T> malformed(List<T> out) {
    List<T> o = new ArrayList<>(out);
    switch (malform) {
      case SHORT_RAW ->
          o.set(
              0,
              new T(
                  o.get(0).name(),
                  o.get(0).datatype(),
                  o.get(0).shape(),
                  java.util.Arrays.copyOf(o.get(0).data(), o.get(0).data().length - 1)));
      case WRONG_DTYPE ->
          o.set(0, new T(o.get(0).name(), "INT32", o.get(0).shape(), o.get(0).data()));
      case MISSING_OUTPUT -> o.remove(o.size() - 1);
      case BAD_SHAPE ->
          o.set(
              0, new T(o.get(0).name(), o.get(0).datatype(), new long[] {-2, 4}, o.get(0).data()));
      default -> {}
    }
    return o;
  }

  static Map<String, Object> metaJson(String model) {
    return Map.of(
        "name",
        model,
        "versions",
        List.of("1"),
        "platform",
        "fake",
        "inputs",
        inputs(model).stream().map(FakeBackend::metaJson).toList(),
        "outputs",
        outputs(model).stream().map(FakeBackend::metaJson).toList());
  }

  private static Map<String, Object> metaJson(Meta m) {
    return Map.of("name", m.name(), "datatype", m.datatype(), "shape", m.shape());
  }
}
