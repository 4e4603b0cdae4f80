package io.github.trt4j.internal;

import io.github.trt4j.CudaUnavailableException;
import io.github.trt4j.Inferer;
import io.github.trt4j.LoadOptions;
import io.github.trt4j.Shape;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TrtEngine;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The child side of {@code PlanVerifier}: loads a plan, runs one inference on zero inputs (each
 * dynamic input at its profile-0 opt shape) and prints one verdict line on standard output, {@code
 * TRT4J-VERIFY OK}, {@code TRT4J-VERIFY REFUSED <reason>} or {@code TRT4J-VERIFY UNAVAILABLE
 * <reason>}, exiting 0, 3 or 4. A crash or a hang here is for the parent to see.
 *
 * <p>Arguments: {@code PLAN DEVICE}.
 */
public final class VerifyMain {

  public static final String PREFIX = "TRT4J-VERIFY ";
  public static final int EXIT_REFUSED = 3;
  public static final int EXIT_UNAVAILABLE = 4;

  private VerifyMain() {}

  public static void main(String[] args) {
    int code;
    String line;
    try {
      verify(Path.of(args[0]), options(args));
      line = "OK";
      code = 0;
    } catch (CudaUnavailableException e) {
      line = "UNAVAILABLE " + oneLine(e.getMessage());
      code = EXIT_UNAVAILABLE;
    } catch (Throwable t) {
      line =
          "REFUSED "
              + oneLine(
                  t instanceof io.github.trt4j.TrtException || t instanceof java.io.IOException
                      ? t.getMessage()
                      : t.toString());
      code = EXIT_REFUSED;
    }
    System.out.println(PREFIX + line);
    System.out.flush();
    // halt, not exit: skip shutdown hooks and cleaners that would touch a damaged engine again.
    Runtime.getRuntime().halt(code);
  }

  /** The load options from the arguments after the plan: device, then flags (PlanVerifier's). */
  static LoadOptions options(String[] args) {
    LoadOptions o = LoadOptions.defaults().device(Integer.parseInt(args[1]));
    java.util.List<Path> plugins = new java.util.ArrayList<>();
    for (int i = 2; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--require-digest")) {
        o = o.requireDigest(true);
      } else if (a.equals("--standard-plugins")) {
        o = o.standardPlugins(true);
      } else if (a.equals("--allow-host-code")) {
        o = o.allowHostCode(true);
      } else if (a.startsWith("--plugin=")) {
        plugins.add(Path.of(a.substring("--plugin=".length())));
      } else {
        throw new IllegalArgumentException("unknown verify argument " + a);
      }
    }
    return o.pluginLibraries(plugins.toArray(Path[]::new));
  }

  static void verify(Path plan, LoadOptions options) throws Exception {
    try (TrtEngine engine = TrtEngine.load(plan, options);
        Inferer inferer = engine.createInferer()) {
      Map<String, Tensor> zeros = new LinkedHashMap<>();
      for (TensorSpec s : engine.inputs()) {
        Shape shape = s.shape().isDynamic() ? s.profiles().get(0).opt() : s.shape();
        zeros.put(
            s.name(),
            Tensor.fromFloats(s.dataType(), shape, new float[(int) shape.elementCount()]));
      }
      inferer.run(zeros);
    }
  }

  private static String oneLine(String s) {
    return String.valueOf(s).replace('\r', ' ').replace('\n', ' ');
  }
}
