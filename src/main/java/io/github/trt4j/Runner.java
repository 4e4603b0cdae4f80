package io.github.trt4j;

import java.util.Map;

/**
 * Runs a {@link Model}: named host tensors in, every output by name out. Implemented by the local
 * {@link Inferer} and the pool; a remote runner (a Triton/KServe client) implements it too, so
 * application code can move between them by configuration.
 *
 * <p>Implementations say whether they are thread-safe. {@link #close()} is idempotent and releases
 * whatever the runner owns.
 */
public interface Runner extends AutoCloseable {

  /** {@return the model this runner runs} */
  Model model();

  /**
   * Runs the model once.
   *
   * @param inputs every input tensor by name, of the model's data type and a shape it accepts
   * @return every output by name, in the model's order
   * @throws IllegalArgumentException naming the tensor when an input is unknown, missing, or of the
   *     wrong type or shape
   */
  Map<String, Tensor> run(Map<String, Tensor> inputs);

  @Override
  void close();
}
