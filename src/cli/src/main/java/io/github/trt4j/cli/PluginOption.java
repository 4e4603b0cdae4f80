package io.github.trt4j.cli;

import io.github.trt4j.EngineBuilder;
import io.github.trt4j.LoadOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --plugins std,LIB.so,...}: TensorRT plugins to register before loading or building; and,
 * where a plan is loaded, {@code --allow-host-code} for version-compatible plans.
 */
public final class PluginOption {

  @Option(
      names = "--plugins",
      split = ",",
      paramLabel = "std|LIB.so",
      description = {
        "TensorRT plugins to register first: 'std' for TensorRT's standard plugins",
        "(libnvinfer_plugin: EfficientNMS_TRT, BatchedNMS_TRT, ...) and/or paths of plugin",
        "libraries (repeat or comma-separate)."
      })
  List<String> plugins = List.of();

  @Option(
      names = "--allow-host-code",
      description = {
        "Let TensorRT run host code the plan carries (version-compatible plans built with",
        "--versionCompatible): code from the file, so only for plans you trust."
      })
  boolean allowHostCode;

  boolean standard() {
    return plugins.stream().anyMatch(p -> p.equals("std"));
  }

  Path[] libraries() {
    List<Path> out = new ArrayList<>();
    for (String p : plugins) {
      if (!p.equals("std")) {
        if (p.isBlank()) {
          throw new IllegalArgumentException("--plugins has an empty entry");
        }
        out.add(Path.of(p));
      }
    }
    return out.toArray(Path[]::new);
  }

  LoadOptions apply(LoadOptions o) {
    return o.standardPlugins(standard()).pluginLibraries(libraries()).allowHostCode(allowHostCode);
  }

  EngineBuilder apply(EngineBuilder b) {
    return b.standardPlugins(standard()).pluginLibraries(libraries());
  }
}
