package io.github.trt4j.internal;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks the caller's inputs against an engine's tensors before anything reaches native code:
 * names, completeness, data types, element counts, ranks and profile ranges. Pure Java.
 */
public final class InputChecks {

  private InputChecks() {}

  /**
   * Validates typed inputs and returns them in engine order.
   *
   * @param specs every I/O tensor of the engine (outputs are used to give better messages)
   * @throws IllegalArgumentException naming the tensor, what was expected and what was given
   */
  public static Map<String, Tensor> checkInputs(
      List<TensorSpec> specs, Map<String, Tensor> given, int profile) {
    checkNames(specs, given.keySet());
    Map<String, Tensor> ordered = new LinkedHashMap<>();
    for (TensorSpec s : specs) {
      if (!s.isInput()) {
        continue;
      }
      Tensor t = given.get(s.name());
      if (t == null) {
        throw new IllegalArgumentException(
            "Input '"
                + s.name()
                + "' is null; expected a "
                + s.dataType().displayName()
                + " tensor of shape "
                + s.shape());
      }
      if (t.dataType() != s.dataType()) {
        throw new IllegalArgumentException(
            "Input '"
                + s.name()
                + "' is "
                + s.dataType().displayName()
                + " "
                + s.shape()
                + "; got a "
                + t.dataType().displayName()
                + " tensor");
      }
      checkShape(s, t.shape(), profile);
      ordered.put(s.name(), t);
    }
    return ordered;
  }

  /**
   * The convenience path: float arrays become tensors of each input's own type. A static input
   * takes its engine shape; an input with one dynamic dimension takes that dimension from the array
   * length.
   */
  public static Map<String, Tensor> fromFloats(
      List<TensorSpec> specs, Map<String, float[]> given, int profile) {
    checkNames(specs, given.keySet());
    Map<String, Tensor> ordered = new LinkedHashMap<>();
    for (TensorSpec s : specs) {
      if (!s.isInput()) {
        continue;
      }
      float[] data = given.get(s.name());
      if (data == null) {
        throw new IllegalArgumentException(
            "Input '" + s.name() + "' is null; expected values of shape " + s.shape());
      }
      Shape shape = shapeForLength(s, data.length, profile);
      Tensor t;
      try {
        t = Tensor.fromFloats(s.dataType(), shape, data);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("Input '" + s.name() + "': " + e.getMessage(), e);
      }
      ordered.put(s.name(), t);
    }
    return ordered;
  }

  static Shape shapeForLength(TensorSpec s, int length, int profile) {
    Shape pattern = s.shape();
    if (!s.dataType().isSupported()) {
      throw new IllegalArgumentException(
          "Input '" + s.name() + "' is " + s.dataType() + ", which trt4j cannot feed");
    }
    if (!pattern.isDynamic()) {
      long n = pattern.elementCount();
      if (n != length) {
        throw new IllegalArgumentException(
            "Input '"
                + s.name()
                + "' needs "
                + n
                + " values (shape "
                + pattern
                + ", "
                + s.dataType().displayName()
                + "); got "
                + length);
      }
      return pattern;
    }
    long[] d = pattern.dims();
    int dynamicAt = -1;
    long known = 1;
    for (int i = 0; i < d.length; i++) {
      if (d[i] < 0) {
        if (dynamicAt >= 0) {
          throw new IllegalArgumentException(
              "Input '"
                  + s.name()
                  + "' has shape "
                  + pattern
                  + " with several dynamic dimensions;"
                  + " pass a Tensor with its shape instead of a bare array");
        }
        dynamicAt = i;
      } else {
        known = Math.multiplyExact(known, d[i]);
      }
    }
    if (known == 0 || length % known != 0) {
      throw new IllegalArgumentException(
          "Input '"
              + s.name()
              + "' has shape "
              + pattern
              + ": its length must be a multiple of "
              + known
              + "; got "
              + length);
    }
    d[dynamicAt] = length / known;
    Shape shape = new Shape(d);
    checkShape(s, shape, profile);
    return shape;
  }

  public static void checkShape(TensorSpec s, Shape shape, int profile) {
    if (!shape.matches(s.shape())) {
      throw new IllegalArgumentException(
          "Input '"
              + s.name()
              + "' has shape "
              + s.shape()
              + " (-1 = any); got "
              + shape
              + " ("
              + shape.elementCount()
              + " elements)");
    }
    ShapeRange range = s.profile(profile);
    if (range != null && !range.contains(shape)) {
      throw new IllegalArgumentException(
          "Input '"
              + s.name()
              + "' shape "
              + shape
              + " is outside optimization profile "
              + profile
              + ": min "
              + range.min()
              + ", max "
              + range.max());
    }
  }

  private static void checkNames(List<TensorSpec> specs, java.util.Set<String> given) {
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    for (TensorSpec s : specs) {
      (s.isInput() ? inputs : outputs).add(s.name());
    }
    for (String name : given) {
      if (name == null) {
        throw new IllegalArgumentException("Input name is null; inputs are " + inputs);
      }
      if (!inputs.contains(name)) {
        String what =
            outputs.contains(name)
                ? "'" + name + "' is an output, not an input"
                : "Unknown input '" + name + "'";
        throw new IllegalArgumentException(what + "; inputs are " + inputs);
      }
    }
    List<String> missing = new ArrayList<>();
    for (String name : inputs) {
      if (!given.contains(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException(
          "Missing input"
              + (missing.size() > 1 ? "s " : " ")
              + missing
              + "; the engine needs "
              + inputs);
    }
  }

  /** Bytes a tensor of {@code type} and concrete {@code shape} occupies. */
  public static long bytes(DataType type, Shape shape) {
    return type.bytesFor(shape.elementCount());
  }
}
