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
 * @param allowHostCode let TensorRT run host code the plan carries (default false): needed for
 *     version-compatible plans ({@link EngineBuilder#versionCompatible}), whose lean runtime is
 *     code from the file, so only for plans you trust; also lets a later TensorRT of the same major
 *     load a plan an earlier one built (TensorRT decides)
 */
public record LoadOptions(
    int device,
    boolean requireDigest,
    boolean standardPlugins,
    List<Path> pluginLibraries,
    boolean allowHostCode) {

  /**
   * Checks the settings.
   *
   * @throws IllegalArgumentException for a negative device index
   */
  public LoadOptions {
    if (device < 0) {
      throw new IllegalArgumentException("CUDA device index must be >= 0; got " + device);
    }
    pluginLibraries = List.copyOf(pluginLibraries);
  }

  /**
   * Device and digest only (no plugins, no host code): the options before those existed.
   *
   * @param device the CUDA device index
   * @param requireDigest refuse a plan without a digest file
   */
  public LoadOptions(int device, boolean requireDigest) {
    this(device, requireDigest, false, List.of(), false);
  }

  /**
   * Device 0; the digest checked when present; no plugins.
   *
   * @return the default options
   */
  public static LoadOptions defaults() {
    return new LoadOptions(0, false);
  }

  /**
   * Loads onto CUDA device {@code device}.
   *
   * @param device the CUDA device index
   * @return a copy with that device
   */
  public LoadOptions device(int device) {
    return new LoadOptions(device, requireDigest, standardPlugins, pluginLibraries, allowHostCode);
  }

  /**
   * Whether loading requires a digest file beside the plan (refusing a plan without one).
   *
   * @param require whether a digest file is required
   * @return a copy with that setting
   */
  public LoadOptions requireDigest(boolean require) {
    return new LoadOptions(device, require, standardPlugins, pluginLibraries, allowHostCode);
  }

  /**
   * These options, registering TensorRT's standard plugins first when {@code load} is true.
   *
   * @param load whether to register them
   * @return a copy with that setting
   */
  public LoadOptions standardPlugins(boolean load) {
    return new LoadOptions(device, requireDigest, load, pluginLibraries, allowHostCode);
  }

  /**
   * These options, registering the plugin libraries {@code paths} first.
   *
   * @param paths plugin libraries built for the loaded TensorRT
   * @return a copy with those libraries
   */
  public LoadOptions pluginLibraries(Path... paths) {
    return new LoadOptions(device, requireDigest, standardPlugins, List.of(paths), allowHostCode);
  }

  /**
   * These options, letting TensorRT run host code from the plan when {@code allow} is true
   * (version-compatible plans). It executes code from the file: only for plans you trust.
   *
   * @param allow whether to allow it
   * @return a copy with that setting
   */
  public LoadOptions allowHostCode(boolean allow) {
    return new LoadOptions(device, requireDigest, standardPlugins, pluginLibraries, allow);
  }
}
