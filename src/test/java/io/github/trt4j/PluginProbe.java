package io.github.trt4j;

import java.nio.file.Path;

/**
 * Loads a plan in a fresh JVM (TensorRT's plugin registry is per process), with TensorRT's standard
 * plugins when the second argument is {@code std}, or the plugin library it names otherwise. Prints
 * {@code loaded: N tensors} and exits 0, or prints the refusal and exits 3.
 */
public final class PluginProbe {
  public static void main(String[] args) throws Exception {
    LoadOptions o = LoadOptions.defaults();
    if (args.length > 1) {
      o = args[1].equals("std") ? o.standardPlugins(true) : o.pluginLibraries(Path.of(args[1]));
    }
    try (TrtEngine e = TrtEngine.load(Path.of(args[0]), o)) {
      System.out.println("loaded: " + e.tensors().size() + " tensors");
    } catch (TrtException x) {
      System.out.println("refused: " + x.getClass().getSimpleName() + ": " + x.getMessage());
      System.exit(3);
    }
  }
}
