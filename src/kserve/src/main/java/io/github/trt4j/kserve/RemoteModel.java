package io.github.trt4j.kserve;

import io.github.trt4j.DataType;
import io.github.trt4j.Model;
import io.github.trt4j.Shape;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import java.util.ArrayList;
import java.util.List;

/**
 * A model served over the Open Inference Protocol, described by its metadata: the same {@link
 * TensorSpec} list a local engine gives, inputs first, in the server's order. Shapes keep {@code
 * -1} for variable dimensions (with {@code max_batch_size > 0}, Triton reports the batch dimension
 * as a leading {@code -1}, as the engine itself does). A server does not report optimization
 * profiles, so {@code profiles} is empty.
 *
 * @param name the served model's name
 * @param version the version the runner asks for (empty: the server's choice)
 * @param platform what the server says runs it (e.g. {@code tensorrt_plan})
 */
public record RemoteModel(String name, String version, String platform, List<TensorSpec> tensors)
    implements Model {

  public RemoteModel {
    tensors = List.copyOf(tensors);
  }

  /** One tensor as metadata lists it. */
  record Meta(String name, String datatype, long[] shape) {}

  /**
   * Builds the model from metadata.
   *
   * @throws KServeException (BAD_RESPONSE) naming the tensor whose type or shape trt4j cannot use
   */
  static RemoteModel of(
      String name, String version, String platform, List<Meta> inputs, List<Meta> outputs) {
    java.util.Map<String, String> seen = new java.util.HashMap<>();
    for (List<Meta> l : List.of(inputs, outputs)) {
      String kind = l == inputs ? "input" : "output";
      for (Meta m : l) {
        String before =
            seen.putIfAbsent(
                m.name(), kind + " " + m.datatype() + " " + java.util.Arrays.toString(m.shape()));
        if (before != null) {
          throw new KServeException(
              KServeException.Reason.BAD_RESPONSE,
              "Model metadata unusable: model '"
                  + name
                  + "' lists the tensor name '"
                  + m.name()
                  + "' twice ("
                  + before
                  + " and "
                  + kind
                  + " "
                  + m.datatype()
                  + " "
                  + java.util.Arrays.toString(m.shape())
                  + "); which one a result means is ambiguous");
        }
      }
    }
    List<TensorSpec> specs = new ArrayList<>();
    for (Meta m : inputs) {
      specs.add(spec(specs.size(), m, Direction.INPUT, name));
    }
    for (Meta m : outputs) {
      specs.add(spec(specs.size(), m, Direction.OUTPUT, name));
    }
    return new RemoteModel(name, version, platform, specs);
  }

  private static TensorSpec spec(int index, Meta m, Direction d, String model) {
    String what = d.label() + " '" + m.name() + "' of model '" + model + "'";
    try {
      DataType t = V2Types.parse(m.datatype(), what);
      return TensorSpec.of(index, m.name(), d, t, Shape.of(m.shape()));
    } catch (IllegalArgumentException e) {
      throw new KServeException(
          KServeException.Reason.BAD_RESPONSE, "Model metadata unusable: " + e.getMessage(), e);
    }
  }
}
