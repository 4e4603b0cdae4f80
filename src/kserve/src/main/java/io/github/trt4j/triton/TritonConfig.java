package io.github.trt4j.triton;

import io.github.trt4j.DataType;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.TensorSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes a Triton {@code config.pbtxt} for a TensorRT engine: a pure function of the engine's
 * tensor specs and profile count, so it is checked without a GPU. It writes protobuf text format by
 * hand (no protobuf at run time); the tests parse every result with protobuf's TextFormat into the
 * project's ModelConfig schema ({@code src/main/proto/triton_model_config.proto}).
 *
 * <p>Refuses, with every reason at once, what Triton's TensorRT backend would refuse at model load
 * or at the first request: data types Triton has no {@code TYPE_*} for, vectorized layouts, and,
 * when {@code max_batch_size > 0}, a tensor whose first dimension is not dynamic or a batch size in
 * {@code 1..max_batch_size} that no optimization profile accepts.
 */
public final class TritonConfig {

  /** Triton's platform name for serialized TensorRT engines. */
  public static final String PLATFORM = "tensorrt_plan";

  private TritonConfig() {}

  /** Triton's {@code TYPE_*} name for a trt4j data type, or null when Triton has none. */
  public static String tritonType(DataType t) {
    return switch (t) {
      case FLOAT -> "TYPE_FP32";
      case HALF -> "TYPE_FP16";
      case BF16 -> "TYPE_BF16";
      case INT8 -> "TYPE_INT8";
      case UINT8 -> "TYPE_UINT8";
      case INT32 -> "TYPE_INT32";
      case INT64 -> "TYPE_INT64";
      case BOOL -> "TYPE_BOOL";
      case FP8, INT4 -> null;
    };
  }

  /**
   * The config text.
   *
   * @param tensors the engine's tensors in its order ({@code Model.tensors()})
   * @param profileCount the engine's optimization profile count (at least 1)
   * @throws UnservableModelException listing every reason Triton could not serve it so
   */
  public static String render(List<TensorSpec> tensors, int profileCount, TritonOptions options) {
    check(tensors, profileCount, options);
    StringBuilder b = new StringBuilder();
    b.append("name: \"").append(options.name()).append("\"\n");
    b.append("platform: \"").append(PLATFORM).append("\"\n");
    b.append("max_batch_size: ").append(options.maxBatchSize()).append('\n');
    boolean batched = options.maxBatchSize() > 0;
    for (TensorSpec t : tensors) {
      b.append(t.isInput() ? "input" : "output").append(" {\n");
      b.append("  name: \"").append(escape(t.name())).append("\"\n");
      b.append("  data_type: ").append(tritonType(t.dataType())).append('\n');
      long[] dims = t.shape().dims();
      long[] served = batched ? Arrays.copyOfRange(dims, 1, dims.length) : dims;
      if (served.length == 0) {
        // Triton needs at least one dim; a scalar (or a batch-only tensor) travels as [1] and is
        // reshaped to what the engine wants.
        b.append("  dims: [ 1 ]\n  reshape { shape: [ ] }\n");
      } else {
        b.append("  dims: ").append(list(served)).append('\n');
      }
      b.append("}\n");
    }
    if (options.dynamicBatching()) {
      b.append("dynamic_batching {\n");
      if (options.maxQueueDelayMicros() > 0) {
        b.append("  max_queue_delay_microseconds: ")
            .append(options.maxQueueDelayMicros())
            .append('\n');
      }
      b.append("}\n");
    }
    b.append("instance_group {\n  kind: KIND_GPU\n  count: ")
        .append(options.instances())
        .append('\n');
    if (profileCount > 1) {
      // Without this Triton uses profile 0 only; listing every profile lets it pick by shape.
      List<String> p = new ArrayList<>();
      for (int i = 0; i < profileCount; i++) {
        p.add("\"" + i + "\"");
      }
      b.append("  profile: [ ").append(String.join(", ", p)).append(" ]\n");
    }
    b.append("}\n");
    return b.toString();
  }

  /** The reasons Triton could not serve the engine so (empty when it can). */
  public static List<String> problems(List<TensorSpec> tensors, int profileCount, TritonOptions o) {
    List<String> why = new ArrayList<>();
    if (profileCount < 1) {
      why.add("an engine has at least one optimization profile; got " + profileCount);
    }
    if (tensors.stream().noneMatch(TensorSpec::isInput)
        || tensors.stream().noneMatch(TensorSpec::isOutput)) {
      why.add("Triton needs at least one input and one output; tensors are " + tensors);
    }
    if (o.dynamicBatching() && o.maxBatchSize() == 0) {
      why.add(
          "dynamic batching needs a max batch size > 0 (Triton batches along the first dimension)");
    }
    for (TensorSpec t : tensors) {
      String what = t.direction().label() + " '" + t.name() + "'";
      int bad = loneSurrogate(t.name());
      if (bad >= 0) {
        what = t.direction().label() + " '" + visible(t.name()) + "'";
        why.add(
            what
                + " has a name that cannot be written as UTF-8 (a lone UTF-16 surrogate"
                + String.format(" U+%04X", (int) t.name().charAt(bad))
                + " at index "
                + bad
                + "); config.pbtxt would name another tensor");
      }
      if (tritonType(t.dataType()) == null) {
        why.add(what + " is " + t.dataType().displayName() + ", which Triton has no data type for");
      }
      if (t.vectorized()) {
        why.add(
            what
                + " has the vectorized layout "
                + t.format()
                + "; trt4j exports linear layouts only");
      }
      if (o.maxBatchSize() > 0) {
        if (t.shape().rank() == 0 || t.shape().dim(0) != -1) {
          why.add(
              what
                  + " has shape "
                  + t.shape()
                  + ": with max_batch_size "
                  + o.maxBatchSize()
                  + " its first dimension must be the dynamic batch dimension (-1); export with"
                  + " --max-batch-size 0 to serve full shapes");
        }
      }
    }
    if (o.maxBatchSize() > 0 && why.isEmpty()) {
      String gap = uncoveredBatch(tensors, profileCount, o.maxBatchSize());
      if (gap != null) {
        why.add(gap);
      }
    }
    return why;
  }

  private static void check(List<TensorSpec> tensors, int profileCount, TritonOptions o) {
    List<String> why = problems(tensors, profileCount, o);
    if (!why.isEmpty()) {
      throw new UnservableModelException(o.name(), why);
    }
  }

  /**
   * The first batch size in 1..max that no single profile accepts for every input, described, or
   * null when all are accepted. Triton sends a formed batch to one profile, so each batch size
   * needs one profile whose ranges hold it for all inputs at once.
   */
  private static String uncoveredBatch(List<TensorSpec> tensors, int profileCount, int max) {
    List<TensorSpec> inputs = tensors.stream().filter(TensorSpec::isInput).toList();
    for (int b = 1; b <= max; b++) {
      boolean served = false;
      for (int p = 0; p < profileCount && !served; p++) {
        served = true;
        for (TensorSpec in : inputs) {
          ShapeRange r = in.profile(p);
          if (r == null || r.min().dim(0) > b || r.max().dim(0) < b) {
            served = false;
            break;
          }
        }
      }
      if (!served) {
        StringBuilder s =
            new StringBuilder(
                "no optimization profile accepts batch size "
                    + b
                    + " (max_batch_size "
                    + max
                    + "); batch ranges by profile:");
        for (TensorSpec in : inputs) {
          s.append(' ').append(in.name()).append(' ');
          List<String> ranges = new ArrayList<>();
          for (int p = 0; p < profileCount; p++) {
            ShapeRange r = in.profile(p);
            ranges.add(r == null ? "?" : r.min().dim(0) + ".." + r.max().dim(0));
          }
          s.append(ranges);
        }
        return s.toString();
      }
    }
    return null;
  }

  private static String list(long[] dims) {
    StringBuilder b = new StringBuilder("[ ");
    for (int i = 0; i < dims.length; i++) {
      b.append(i == 0 ? "" : ", ").append(dims[i]);
    }
    return b.append(" ]").toString();
  }

  /** The index of the first surrogate that is not half of a pair, or -1. */
  static int loneSurrogate(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        return i;
      }
    }
    return -1;
  }

  /** The name with lone surrogates shown as a backslash-u escape, for messages. */
  private static String visible(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean paired =
          Character.isHighSurrogate(c)
              && i + 1 < s.length()
              && Character.isLowSurrogate(s.charAt(i + 1));
      if (paired) {
        b.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        b.append(String.format("\\u%04X", (int) c));
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /** Escapes a tensor name for a text-format string (TensorRT names may hold any character). */
  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\%03o", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
