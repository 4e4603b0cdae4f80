package io.github.trt4j;

import java.nio.file.Path;
import java.util.List;

/**
 * How {@link TrtEngine#load(java.nio.file.Path, LoadOptions)} loads a plan: the CUDA device,
 * whether a {@link PlanDigest} file must be present, and which TensorRT plugins to register first.
 * Immutable; each setter returns a new value.
 *
 * <pre>{@code
 * TrtEngine.load(path, LoadOptions.defaults().device(1).requireDigest(true));
 * TrtEngine.load(yolo, LoadOptions.defaults().standardPlugins(true));          // EfficientNMS_TRT
 * TrtEngine.load(plan, LoadOptions.defaults().pluginLibraries(Path.of("libmy_plugins.so")));
 * }</pre>
 *
 * @param device the CUDA device index (default 0)
 * @param requireDigest refuse a plan without a {@code .sha256} digest file (default false: the
 *     digest is checked when present)
 * @param standardPlugins register TensorRT's standard plugins (libnvinfer_plugin beside the loaded
 *     libnvinfer) before deserializing (default false), as trtexec's {@code --staticPlugins}
 * @param pluginLibraries plugin libraries to register before deserializing, as trtexec's {@code
 *     --dynamicPlugins}; each is loaded once per process and stays registered
 */
public record LoadOptions(int device, boolean requireDigest, boolean standardPlugins,
    List<Path> pluginLibraries) {

  public LoadOptions {
    if (device < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0; got " + device);
    }
    pluginLibraries = List.copyOf(pluginLibraries);
  }

  /** Device and digest only (no plugins): the options before plugins existed. */
  public LoadOptions(int device, boolean requireDigest) {
    this(device, requireDigest, false, List.of());
  }

  /** Device 0; the digest checked when present; no plugins. */
  public static LoadOptions defaults() {
    return new LoadOptions(0, false);
  }

  /** These options on CUDA device {@code device}. */
  public LoadOptions device(int device) {
    return new LoadOptions(device, requireDigest, standardPlugins, pluginLibraries);
  }

  /** These options, refusing a plan without a digest file when {@code require} is true. */
  public LoadOptions requireDigest(boolean require) {
    return new LoadOptions(device, require, standardPlugins, pluginLibraries);
  }

  /** These options, registering TensorRT's standard plugins first when {@code load} is true. */
  public LoadOptions standardPlugins(boolean load) {
    return new LoadOptions(device, requireDigest, load, pluginLibraries);
  }

  /** These options, registering the plugin libraries {@code paths} first. */
  public LoadOptions pluginLibraries(Path... paths) {
    return new LoadOptions(device, requireDigest, standardPlugins, List.of(paths));
  }
}
