package io.github.trt4j.kserve;

import io.github.trt4j.Model;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks shared by the gRPC and REST runners: inputs against the model before a request goes out
 * (so a caller's mistake names the tensor without a round trip), outputs of a response against the
 * model when they come back.
 */
final class Requests {

  private Requests() {}

  /**
   * The inputs in the model's order.
   *
   * @throws IllegalArgumentException naming the tensor: unknown, missing, wrong type, wrong shape
   */
  static List<Map.Entry<TensorSpec, Tensor>> checkInputs(Model model, Map<String, Tensor> inputs) {
    List<TensorSpec> specs = model.inputs();
    for (String name : inputs.keySet()) {
      if (specs.stream().noneMatch(s -> s.name().equals(name))) {
        throw new IllegalArgumentException(
            "Unknown input '"
                + name
                + "' for model '"
                + model.name()
                + "'; inputs are "
                + specs.stream().map(TensorSpec::name).toList());
      }
    }
    List<Map.Entry<TensorSpec, Tensor>> out = new ArrayList<>(specs.size());
    for (TensorSpec s : specs) {
      Tensor t = inputs.get(s.name());
      if (t == null) {
        throw new IllegalArgumentException(
            "Missing input '"
                + s.name()
                + "' for model '"
                + model.name()
                + "' ("
                + s.dataType().displayName()
                + " "
                + s.shape()
                + ")");
      }
      if (t.dataType() != s.dataType()) {
        throw new IllegalArgumentException(
            "Input '"
                + s.name()
                + "' needs "
                + s.dataType().displayName()
                + "; got "
                + t.dataType().displayName());
      }
      if (!t.shape().matches(s.shape())) {
        throw new IllegalArgumentException(
            "Input '" + s.name() + "' needs shape " + s.shape() + " (-1 = any); got " + t.shape());
      }
      out.add(Map.entry(s, t));
    }
    return out;
  }

  /**
   * Checks one decoded output against the model: known name, the model's data type, a shape that
   * fits the model's.
   *
   * @throws KServeException BAD_RESPONSE naming the tensor
   */
  static void checkOutput(Model model, String name, Tensor t) {
    TensorSpec s =
        model.outputs().stream()
            .filter(o -> o.name().equals(name))
            .findFirst()
            .orElseThrow(
                () ->
                    bad(
                        model,
                        "output '"
                            + name
                            + "' is not an output of the model; outputs are "
                            + model.outputs().stream().map(TensorSpec::name).toList()));
    if (t.dataType() != s.dataType()) {
      throw bad(
          model,
          "output '"
              + name
              + "' came back as "
              + V2Types.name(t.dataType())
              + "; the model's metadata says "
              + V2Types.name(s.dataType()));
    }
    if (!t.shape().matches(s.shape())) {
      throw bad(
          model,
          "output '"
              + name
              + "' came back with shape "
              + t.shape()
              + "; the model's metadata says "
              + s.shape());
    }
  }

  /** Every output of the model, in its order; a missing one is a bad response. */
  static Map<String, Tensor> inModelOrder(Model model, Map<String, Tensor> got) {
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (TensorSpec s : model.outputs()) {
      Tensor t = got.get(s.name());
      if (t == null) {
        throw bad(model, "the response has no output '" + s.name() + "'; it has " + got.keySet());
      }
      out.put(s.name(), t);
    }
    return out;
  }

  static Shape shape(String what, List<Long> dims) {
    long[] d = new long[dims.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = dims.get(i);
      if (d[i] < 0) {
        throw new IllegalArgumentException(what + " has a negative dimension in " + dims);
      }
    }
    return Shape.of(d);
  }

  /** Room for a response's header (JSON or protobuf) beyond its outputs' data. */
  static final long HEADER_MARGIN = 64 * 1024;

  /**
   * Metadata and readiness answers are small; this (or the absolute cap, if smaller) bounds them.
   */
  static final long METADATA_CAP = 16L << 20;

  /**
   * The most bytes a response to an inference call may have: per output of fixed shape, {@code
   * perElement} bytes per element; plus {@link #HEADER_MARGIN}; never more than {@code cap}. An
   * output with a dynamic dimension leaves only {@code cap}.
   */
  static long responseLimit(Model model, int perElement, long cap) {
    long sum = HEADER_MARGIN;
    for (TensorSpec o : model.outputs()) {
      if (o.shape().isDynamic()) {
        return cap;
      }
      sum += Math.min(cap, o.shape().elementCount() * perElement);
      if (sum >= cap) {
        return cap;
      }
    }
    return sum;
  }

  /** How {@link #responseLimit} came about, naming each output, for messages. */
  static String limitText(Model model, int perElement, long cap) {
    List<String> parts = new ArrayList<>();
    for (TensorSpec o : model.outputs()) {
      parts.add(
          "output '"
              + o.name()
              + "' "
              + V2Types.name(o.dataType())
              + " "
              + o.shape()
              + (o.shape().isDynamic()
                  ? " (dynamic: no bound of its own)"
                  : ": "
                      + o.shape().elementCount() * perElement
                      + " bytes at "
                      + perElement
                      + " per element"));
    }
    return String.join(", ", parts)
        + ", plus "
        + HEADER_MARGIN
        + " bytes of header; at most "
        + cap
        + " (KServeOptions.maxResponseBytes)";
  }

  /** A remote error text cut as the REST runner cuts it. */
  static String clip(String text) {
    return text == null || text.length() <= 2000
        ? text
        : text.substring(0, 2000) + "… (" + text.length() + " characters)";
  }

  static KServeException bad(Model model, String what) {
    return new KServeException(
        KServeException.Reason.BAD_RESPONSE,
        "Bad response from model '" + model.name() + "': " + what);
  }
}
