package io.github.trt4j;

import java.nio.file.Path;

/**
 * Loads a plan in a fresh JVM (TensorRT's plugin registry is per process), with TensorRT's standard
 * plugins when the second argument is {@code std}. Prints {@code loaded: N tensors} and exits 0, or
 * prints the refusal and exits 3.
 */
public final class PluginProbe {
  public static void main(String[] args) throws Exception {
    LoadOptions o =
        LoadOptions.defaults().standardPlugins(args.length > 1 && args[1].equals("std"));
    try (TrtEngine e = TrtEngine.load(Path.of(args[0]), o)) {
      System.out.println("loaded: " + e.tensors().size() + " tensors");
    } catch (TrtException x) {
      System.out.println("refused: " + x.getClass().getSimpleName() + ": " + x.getMessage());
      System.exit(3);
    }
  }
}
