package io.github.trt4j.gazeml;

import io.github.trt4j.DataType;
import io.github.trt4j.Model;
import io.github.trt4j.Runner;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link Runner} that replays recorded network outputs (from the Python references), so that the
 * Java pipeline around the networks runs without a GPU. It checks every call's inputs against its
 * specs (names, types, shapes with a dynamic batch) as an engine would, and keeps the calls.
 */
final class RecordedRunner implements Runner {

  private final List<TensorSpec> specs;
  private final Function<Map<String, Tensor>, Map<String, Tensor>> outputs;
  final List<Map<String, Tensor>> calls = new ArrayList<>();
  boolean closed;

  RecordedRunner(
      List<TensorSpec> specs, Function<Map<String, Tensor>, Map<String, Tensor>> outputs) {
    this.specs = specs;
    this.outputs = outputs;
  }

  static TensorSpec in(int i, String name, DataType type, long... dims) {
    return TensorSpec.of(i, name, Direction.INPUT, type, Shape.of(dims));
  }

  static TensorSpec out(int i, String name, long... dims) {
    return TensorSpec.of(i, name, Direction.OUTPUT, DataType.FLOAT, Shape.of(dims));
  }

  @Override
  public Model model() {
    return new Model() {
      @Override
      public String name() {
        return "recorded";
      }

      @Override
      public List<TensorSpec> tensors() {
        return specs;
      }
    };
  }

  @Override
  public Map<String, Tensor> run(Map<String, Tensor> inputs) {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    for (TensorSpec s : specs) {
      if (!s.isInput()) {
        continue;
      }
      Tensor t = inputs.get(s.name());
      if (t == null || t.dataType() != s.dataType()) {
        throw new IllegalArgumentException(
            "input '" + s.name() + "' missing or of the wrong type: " + t);
      }
      long[] want = s.shape().dims();
      long[] got = t.shape().dims();
      boolean ok = want.length == got.length;
      for (int i = 0; ok && i < want.length; i++) {
        ok = want[i] < 0 || want[i] == got[i];
      }
      if (!ok) {
        throw new IllegalArgumentException(
            "input '" + s.name() + "' shape " + t.shape() + " vs " + s.shape());
      }
    }
    if (inputs.size() != specs.stream().filter(TensorSpec::isInput).count()) {
      throw new IllegalArgumentException("unknown inputs in " + inputs.keySet());
    }
    calls.add(inputs);
    return outputs.apply(inputs);
  }

  @Override
  public void close() {
    closed = true;
  }
}
