package io.github.trt4j.examples.quickstart;

import io.github.trt4j.CudaUnavailableException;
import io.github.trt4j.EngineLoadException;
import io.github.trt4j.Inferer;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TrtEngine;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Loads a TensorRT plan, prints the TensorRT it runs on and the plan's tensors, runs it once with
 * zero-filled inputs and prints each output's shape and first values.
 *
 * <p>Exit status: 0 after a run; 2 when the plan cannot be loaded here (no GPU or driver, no
 * TensorRT library, a missing file, not a plan, or a plan of another TensorRT version), with the
 * typed error's message on one line; 64 for a wrong command line.
 */
public final class App {

  private App() {}

  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println(
          "usage: App PLAN   (make one with: ./trt4j build models/test/seed.onnx -o seed.engine)");
      System.exit(64);
    }
    try {
      run(Path.of(args[0]));
    } catch (CudaUnavailableException | EngineLoadException e) {
      fail(e);
    } catch (IOException e) {
      fail(e);
    }
  }

  static void run(Path plan) throws IOException {
    try (TrtEngine engine = TrtEngine.load(plan);
        Inferer inferer = engine.createInferer()) {
      System.out.println(TrtEngine.runtime());
      System.out.print(engine.describe());

      // One zero-filled tensor per input: its own shape, or the profile's opt shape where dynamic.
      Map<String, Tensor> inputs = new LinkedHashMap<>();
      for (TensorSpec in : engine.inputs()) {
        Shape shape = in.shape();
        if (shape.isDynamic()) {
          ShapeRange range = in.profile(0);
          shape = range.opt();
        }
        float[] zeros = new float[Math.toIntExact(shape.elementCount())];
        inputs.put(in.name(), Tensor.fromFloats(in.dataType(), shape, zeros));
      }

      Map<String, Tensor> outputs = inferer.run(inputs);
      for (Map.Entry<String, Tensor> out : outputs.entrySet()) {
        float[] values = out.getValue().toFloats();
        System.out.printf(
            "%s %s %s%n",
            out.getKey(),
            out.getValue().shape().joined(),
            Arrays.toString(Arrays.copyOf(values, Math.min(5, values.length))));
      }
    }
  }

  /** The typed error on one line (the messages may span lines), then exit status 2. */
  private static void fail(Exception e) {
    String message = String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " ");
    System.err.println(e.getClass().getSimpleName() + ": " + message);
    System.exit(2);
  }
}
