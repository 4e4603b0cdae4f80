package io.github.trt4j;

import java.util.List;

/**
 * What a model accepts and returns: its input and output tensors. A local {@link TrtEngine} is a
 * model, and so is a model served elsewhere (a Triton/KServe server): nothing here is native, so a
 * remote model fits behind this interface without CUDA types.
 */
public interface Model {

  /** {@return a short name: an engine's path, or a served model's name} */
  String name();

  /** {@return every I/O tensor, in the model's order} */
  List<TensorSpec> tensors();

  /** {@return the input tensors, in the model's order} */
  default List<TensorSpec> inputs() {
    return tensors().stream().filter(TensorSpec::isInput).toList();
  }

  /** {@return the output tensors, in the model's order} */
  default List<TensorSpec> outputs() {
    return tensors().stream().filter(TensorSpec::isOutput).toList();
  }

  /**
   * The tensor called {@code name}.
   *
   * @param name the tensor's name
   * @return its spec
   * @throws IllegalArgumentException listing the tensor names when there is none
   */
  default TensorSpec tensor(String name) {
    for (TensorSpec t : tensors()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "No tensor '"
            + name
            + "'; tensors are "
            + tensors().stream().map(TensorSpec::name).toList());
  }
}
