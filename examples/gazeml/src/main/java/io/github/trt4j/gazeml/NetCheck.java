package io.github.trt4j.gazeml;

import io.github.trt4j.ShapeRange;
import io.github.trt4j.TensorSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks an engine's bindings against what one of the face networks needs and says what was found
 * when they do not match (a model exported differently, or the wrong file passed).
 */
final class NetCheck {

  private NetCheck() {}

  /** The single input of {@code tensors}: float, rank 4, {@code [N,3,side,side]}. */
  static TensorSpec imageInput(String what, List<TensorSpec> tensors, int side, String needs) {
    List<TensorSpec> in = tensors.stream().filter(TensorSpec::isInput).toList();
    if (in.size() == 1) {
      TensorSpec t = in.get(0);
      long[] d = t.shape().dims();
      if (t.dataType().isFloatingPoint()
          && d.length == 4
          && d[1] == 3
          && (side < 0 ? d[2] > 0 && d[2] == d[3] : d[2] == side && d[3] == side)) {
        return t;
      }
    }
    throw mismatch(what, tensors, needs);
  }

  /**
   * The single output of {@code tensors}, of rank {@code rank} with the given trailing dims (-1:
   * any).
   */
  static TensorSpec output(String what, List<TensorSpec> tensors, long[] tail, String needs) {
    List<TensorSpec> out = tensors.stream().filter(TensorSpec::isOutput).toList();
    if (out.size() == 1) {
      TensorSpec t = out.get(0);
      long[] d = t.shape().dims();
      boolean ok = t.dataType().isFloatingPoint() && d.length == tail.length + 1;
      for (int i = 0; ok && i < tail.length; i++) {
        ok = tail[i] < 0 || d[i + 1] == tail[i];
      }
      if (ok) {
        return t;
      }
    }
    throw mismatch(what, tensors, needs);
  }

  /** The largest batch an input accepts: its static first dimension, or profile 0's maximum. */
  static int maxBatch(TensorSpec input) {
    long n = input.shape().dim(0);
    if (n > 0) {
      return (int) n;
    }
    ShapeRange r = input.profile(0);
    return r == null ? 1 : (int) r.max().dim(0);
  }

  static IllegalArgumentException mismatch(String what, List<TensorSpec> tensors, String needs) {
    List<String> found = new ArrayList<>();
    for (TensorSpec t : tensors) {
      found.add(
          t.direction().label()
              + " '"
              + t.name()
              + "' "
              + t.dataType().displayName()
              + " "
              + t.shape().joined());
    }
    return new IllegalArgumentException(
        "Cannot drive this engine as the "
            + what
            + ": it has "
            + String.join(", ", found)
            + "; needs "
            + needs);
  }
}
