package io.github.trt4j.internal.trt;

import io.github.trt4j.TrtException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvinfer_plugin;
import org.bytedeco.tensorrt.nvinfer.IPluginRegistry;
import org.slf4j.LoggerFactory;

/**
 * TensorRT plugins, registered in TensorRT's process-wide registry before a plan is deserialized or
 * a model parsed, as trtexec's {@code --staticPlugins}/{@code --dynamicPlugins} do: TensorRT's own
 * (libnvinfer_plugin, {@code initLibNvInferPlugins}) and plugin libraries given by path ({@code
 * IPluginRegistry::loadLibrary}). Each is loaded once per process; a library stays registered for
 * the process's lifetime.
 */
public final class Plugins {

  private static final Object LOCK = new Object();
  private static volatile boolean standard;
  private static final Set<Path> LIBRARIES = ConcurrentHashMap.newKeySet();

  private Plugins() {}

  /** Registers what is asked for (nothing when {@code standardPlugins} is false and no library). */
  public static void ensure(boolean standardPlugins, List<Path> libraries) throws IOException {
    if (!standardPlugins && libraries.isEmpty()) {
      return;
    }
    Natives.load();
    synchronized (LOCK) {
      if (standardPlugins && !standard) {
        Path lib = Natives.loadPlugins();
        try (TrtLog.Capture capture = TrtLog.capture()) {
          if (!nvinfer_plugin.initLibNvInferPlugins(TrtLogger.get(), "")) {
            throw new TrtException(
                "initLibNvInferPlugins failed for "
                    + lib
                    + ": "
                    + capture.summary("TensorRT gave no reason"));
          }
        }
        standard = true;
      }
      for (Path p : libraries) {
        Path real;
        try {
          real = p.toRealPath();
        } catch (NoSuchFileException e) {
          throw new NoSuchFileException(p.toString(), null, "plugin library not found");
        }
        if (!Files.isRegularFile(real)) {
          throw new IOException(p + ": the plugin library is not a regular file");
        }
        if (LIBRARIES.contains(real)) {
          continue;
        }
        IPluginRegistry registry = nvinfer.getPluginRegistry();
        try (TrtLog.Capture capture = TrtLog.capture()) {
          IPluginRegistry.PluginLibraryHandle h = registry.loadLibrary(real.toString());
          if (h == null || h.isNull()) {
            throw new TrtException(
                "TensorRT could not load plugin library "
                    + p
                    + " (is it a"
                    + " TensorRT plugin library for TensorRT "
                    + Natives.load().versionString()
                    + "?): "
                    + capture.summary("no reason given"));
          }
        }
        LIBRARIES.add(real);
        LoggerFactory.getLogger(Plugins.class).info("Plugin library {} registered", real);
      }
    }
  }

  private static final Pattern MISSING =
      Pattern.compile(
          "(?:Cannot find plugin|could not find plugin):?\\s*([A-Za-z0-9_.\\-]+),?\\s*version:?\\s*([A-Za-z0-9_.]+)");

  /**
   * The plugin TensorRT's errors say a plan needs and the registry lacks, with how to provide it;
   * null when the errors name none.
   */
  public static String missingPlugin(String errors) {
    Matcher m = MISSING.matcher(errors);
    if (!m.find()) {
      return null;
    }
    String name = m.group(1);
    String version = m.group(2);
    return "needs TensorRT plugin "
        + name
        + " version "
        + version
        + ", which is not registered."
        + (name.endsWith("_TRT")
            ? " It is one of TensorRT's standard plugins: load them with"
                + " LoadOptions.standardPlugins(true) or --plugins std."
            : " Load the library that provides it with LoadOptions.pluginLibraries(path) or"
                + " --plugins PATH.so (built for this TensorRT version).");
  }
}
