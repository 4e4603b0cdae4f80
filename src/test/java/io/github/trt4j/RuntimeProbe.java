package io.github.trt4j;

import java.nio.file.Path;
import java.util.Map;

/**
 * A child JVM's view of the native layer: prints {@link TrtEngine#runtime()}, then (with a plan
 * argument) loads it and runs it once with zero inputs, then prints the CUDA toolkit libraries the
 * process mapped. Exit 0, or 3 with the typed error's class and message.
 */
public final class RuntimeProbe {
  public static void main(String[] args) throws Exception {
    try {
      System.out.println("runtime: " + TrtEngine.runtime());
      if (args.length > 0) {
        try (TrtEngine e = TrtEngine.load(Path.of(args[0]));
            Inferer i = e.createInferer()) {
          Map<String, Tensor> out = i.run(FastPathGpuTest.inputs("seed"));
          System.out.println("ran: outputs " + out.keySet());
        }
      }
      System.out.println("toolkit libraries mapped: " + NativeLayerGpuTest.toolkitLibraries());
    } catch (TrtException e) {
      System.out.println("error: " + e.getClass().getSimpleName() + ": " + e.getMessage());
      System.exit(3);
    }
  }
}
