package io.github.trt4j.internal.trt;

import io.github.trt4j.OnnxParseException;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.TrtException;
import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.NativeHeap;
import io.github.trt4j.internal.format.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.bytedeco.tensorrt.nvinfer.Dims64;
import org.bytedeco.tensorrt.nvinfer.IBuilder;
import org.bytedeco.tensorrt.nvinfer.IBuilderConfig;
import org.bytedeco.tensorrt.nvinfer.IHostMemory;
import org.bytedeco.tensorrt.nvinfer.INetworkDefinition;
import org.bytedeco.tensorrt.nvinfer.IOptimizationProfile;
import org.bytedeco.tensorrt.nvinfer.ITensor;
import org.bytedeco.tensorrt.nvinfer.ITimingCache;
import org.bytedeco.tensorrt.nvonnxparser.IParser;
import org.bytedeco.tensorrt.nvonnxparser.IParserError;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX to serialized engine. Creates builder, network, parser, config and timing cache, and deletes
 * them all (in reverse order of creation) before returning, whether the build worked or not.
 */
public final class OnnxBuild {

  private static final Logger LOG = LoggerFactory.getLogger("io.github.trt4j.EngineBuilder");

  /** What to build. */
  public record Options(
      Path model,
      boolean fp16,
      boolean tf32,
      long workspaceBytes,
      List<Map<String, ShapeRange>> profiles,
      Path timingCache,
      int device,
      int optimizationLevel,
      int hardwareCompatibility,
      boolean versionCompatible,
      boolean excludeLeanRuntime) {}

  private OnnxBuild() {}

  public static byte[] build(Options o) throws IOException {
    byte[] onnx = Files.readAllBytes(o.model());
    byte[] cacheIn = null;
    if (o.timingCache() != null && Files.isRegularFile(o.timingCache())) {
      cacheIn = Files.readAllBytes(o.timingCache());
    }
    Natives.requireDevice(o.device());
    Natives.loadParser();
    Natives.loadBuilderResource();
    try (Cuda.DeviceScope _ = Cuda.onDevice(o.device())) {
      return buildOnDevice(o, onnx, cacheIn);
    }
  }

  private static byte[] buildOnDevice(Options o, byte[] onnx, byte[] cacheIn) throws IOException {
    long start = System.nanoTime();
    LOG.info(
        "Building engine from {} (fp16={}, tf32={}, profiles={})",
        o.model(),
        o.fp16(),
        o.tf32(),
        o.profiles().size());
    IBuilder builder = null;
    INetworkDefinition network = null;
    IParser parser = null;
    IBuilderConfig config = null;
    ITimingCache cache = null;
    IHostMemory plan = null;
    IHostMemory cacheOut = null;
    try (TrtLog.Capture capture = TrtLog.capture();
        BytePointer model = new BytePointer(onnx)) {
      builder =
          Created.check(nvinfer.createInferBuilder(TrtLogger.get()), "createInferBuilder", capture);
      network = Created.check(builder.createNetworkV2(0), "createNetworkV2", capture);
      parser =
          Created.check(
              nvonnxparser.createParser(network, TrtLogger.get()), "createParser", capture);
      if (!parser.parse(model, onnx.length, o.model().toAbsolutePath().toString())) {
        // A plugin the registry lacks: TensorRT's log names it and its version, the parser not.
        throw new OnnxParseException(
            o.model().toString(),
            parserErrors(parser),
            Plugins.missingPlugin(String.join(" | ", capture.errors())));
      }
      config = Created.check(builder.createBuilderConfig(), "createBuilderConfig", capture);
      if (o.fp16()) {
        Line.allowFp16(config);
      }
      if (!o.tf32()) {
        config.clearFlag(nvinfer.BuilderFlag.kTF32);
      }
      if (o.workspaceBytes() > 0) {
        config.setMemoryPoolLimit(nvinfer.MemoryPoolType.kWORKSPACE, o.workspaceBytes());
      }
      if (o.optimizationLevel() >= 0) {
        config.setBuilderOptimizationLevel(o.optimizationLevel());
      }
      if (o.hardwareCompatibility() != 0) {
        config.setHardwareCompatibilityLevel(o.hardwareCompatibility());
      }
      if (o.versionCompatible()) {
        config.setFlag(nvinfer.BuilderFlag.kVERSION_COMPATIBLE);
        if (o.excludeLeanRuntime()) {
          config.setFlag(nvinfer.BuilderFlag.kEXCLUDE_LEAN_RUNTIME);
        }
      }
      addProfiles(builder, network, config, o.profiles());
      cache =
          cacheIn == null
              ? config.createTimingCache(null, 0)
              : config.createTimingCache(new BytePointer(cacheIn), cacheIn.length);
      if (cache != null && !cache.isNull()) {
        config.setTimingCache(cache, false);
      }
      plan = builder.buildSerializedNetwork(network, config);
      if (plan == null || plan.isNull() || plan.size() == 0) {
        throw new TrtException(buildFailure(o.model(), capture.summary("no reason given")));
      }
      if (plan.size() > Integer.MAX_VALUE - 8) {
        throw new TrtException("Engine of " + plan.size() + " bytes is too large for a byte[]");
      }
      byte[] bytes = new byte[(int) plan.size()];
      new BytePointer(plan.data()).capacity(plan.size()).get(bytes);
      if (o.timingCache() != null && cache != null && !cache.isNull()) {
        cacheOut = cache.serialize();
        if (cacheOut != null && !cacheOut.isNull()) {
          byte[] c = new byte[(int) cacheOut.size()];
          new BytePointer(cacheOut.data()).capacity(cacheOut.size()).get(c);
          // The engine is built and worth more than the cache: a failure here is a warning.
          try {
            AtomicFiles.write(o.timingCache(), c);
          } catch (IOException e) {
            LOG.warn(
                "Engine built, but the timing cache {} could not be written: {}",
                o.timingCache(),
                e.toString());
          }
        }
      }
      LOG.info(
          "Built {} bytes from {} in {} ms",
          bytes.length,
          o.model(),
          (System.nanoTime() - start) / 1_000_000);
      return bytes;
    } finally {
      NativeDelete.delete(cacheOut, NativeDelete.NO_COPY_SLOT);
      NativeDelete.delete(plan, NativeDelete.NO_COPY_SLOT);
      NativeDelete.delete(config, NativeDelete.NO_COPY_SLOT);
      NativeDelete.delete(cache, NativeDelete.NO_COPY_SLOT);
      NativeDelete.delete(parser, NativeDelete.PARSER_SLOT);
      NativeDelete.delete(network, NativeDelete.NO_COPY_SLOT);
      NativeDelete.delete(builder, NativeDelete.NO_COPY_SLOT);
      // The builder's working memory (gigabytes for some networks) goes back to the system.
      NativeHeap.trim();
    }
  }

  /** Why a build failed, with what to do for the failures trt4j can name. */
  static String buildFailure(Path model, String said) {
    String why = "TensorRT could not build an engine from " + model + ": " + said;
    if (said.contains("libnvinfer_lean")) {
      return why
          + ". A version-compatible plan embeds TensorRT's lean runtime (libnvinfer_lean),"
          + " which this TensorRT installation lacks (bytedeco's 10.6 redist has none): point"
          + " TRT4J_TENSORRT_HOME at a full TensorRT installation, or build without"
          + " versionCompatible / --versionCompatible.";
    }
    return why;
  }

  private static List<OnnxParseException.ParserError> parserErrors(IParser parser) {
    List<OnnxParseException.ParserError> errors = new ArrayList<>();
    for (int i = 0; i < parser.getNbErrors(); i++) {
      IParserError e = parser.getError(i);
      errors.add(
          new OnnxParseException.ParserError(
              e.node(),
              nullToEmpty(e.nodeName()),
              nullToEmpty(e.nodeOperator()),
              e.code().toString(),
              nullToEmpty(e.desc())));
    }
    return errors;
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static void addProfiles(
      IBuilder builder,
      INetworkDefinition network,
      IBuilderConfig config,
      List<Map<String, ShapeRange>> profiles) {
    Map<String, Shape> inputs = new LinkedHashMap<>();
    for (int i = 0; i < network.getNbInputs(); i++) {
      ITensor t = network.getInput(i);
      inputs.put(t.getName(), EngineHandle.toShape(t.getDimensions()));
    }
    List<String> dynamic =
        inputs.entrySet().stream()
            .filter(e -> e.getValue().isDynamic())
            .map(Map.Entry::getKey)
            .toList();
    checkProfiles(inputs, profiles);
    if (profiles.isEmpty() && !dynamic.isEmpty()) {
      // As trtexec does without --shapes: every dynamic dimension becomes 1, with a warning.
      Map<String, ShapeRange> fixed = defaultProfile(inputs);
      LOG.warn(
          "Input(s) {} have dynamic shapes {} and no optimization profile was given: building"
              + " for {} (each dynamic dimension set to 1, as trtexec does). Give MIN/OPT/MAX shapes"
              + " (EngineBuilder.profile, trt4j build --shapes) for other sizes.",
          dynamic,
          dynamic.stream().map(inputs::get).toList(),
          fixed.entrySet().stream()
              .map(e -> e.getKey() + ":" + e.getValue().opt().joined())
              .toList());
      profiles = List.of(fixed);
    }
    for (Map<String, ShapeRange> ranges : profiles) {
      IOptimizationProfile p = builder.createOptimizationProfile();
      for (Map.Entry<String, ShapeRange> e : ranges.entrySet()) {
        ShapeRange r = e.getValue();
        try (Dims64 min = EngineHandle.toDims(r.min());
            Dims64 opt = EngineHandle.toDims(r.opt());
            Dims64 max = EngineHandle.toDims(r.max())) {
          boolean ok =
              p.setDimensions(e.getKey(), nvinfer.OptProfileSelector.kMIN, min)
                  && p.setDimensions(e.getKey(), nvinfer.OptProfileSelector.kOPT, opt)
                  && p.setDimensions(e.getKey(), nvinfer.OptProfileSelector.kMAX, max);
          if (!ok) {
            throw new IllegalArgumentException(
                "TensorRT rejected range " + r + " for input '" + e.getKey() + "'");
          }
        }
      }
      if (config.addOptimizationProfile(p) < 0) {
        throw new IllegalArgumentException("TensorRT rejected optimization profile " + ranges);
      }
    }
  }

  /**
   * trtexec's profile for a network given none: each dynamic input at its shape with every dynamic
   * dimension set to 1 (min = opt = max); fixed inputs are left out.
   */
  static Map<String, ShapeRange> defaultProfile(Map<String, Shape> inputs) {
    Map<String, ShapeRange> out = new LinkedHashMap<>();
    for (Map.Entry<String, Shape> e : inputs.entrySet()) {
      Shape s = e.getValue();
      if (s.isDynamic()) {
        long[] d = new long[s.rank()];
        for (int k = 0; k < d.length; k++) {
          d[k] = s.dim(k) < 0 ? 1 : s.dim(k);
        }
        Shape one = Shape.of(d);
        out.put(e.getKey(), new ShapeRange(one, one, one));
      }
    }
    return out;
  }

  /** Pure-Java checks of profiles against the network's inputs (names, ranks, fixed dims). */
  static void checkProfiles(Map<String, Shape> inputs, List<Map<String, ShapeRange>> profiles) {
    for (int p = 0; p < profiles.size(); p++) {
      Map<String, ShapeRange> ranges = profiles.get(p);
      for (Map.Entry<String, ShapeRange> e : ranges.entrySet()) {
        Shape declared = inputs.get(e.getKey());
        if (declared == null) {
          throw new IllegalArgumentException(
              "Profile "
                  + p
                  + " names '"
                  + e.getKey()
                  + "', which is not an input; inputs are "
                  + List.copyOf(inputs.keySet()));
        }
        ShapeRange r = e.getValue();
        if (!r.min().matches(declared)
            || !r.max().matches(declared)
            || !r.opt().matches(declared)) {
          throw new IllegalArgumentException(
              "Profile "
                  + p
                  + " range "
                  + r
                  + " does not fit input '"
                  + e.getKey()
                  + "' of shape "
                  + declared
                  + " (-1 = any)");
        }
      }
      for (Map.Entry<String, Shape> in : inputs.entrySet()) {
        if (in.getValue().isDynamic() && !ranges.containsKey(in.getKey())) {
          throw new IllegalArgumentException(
              "Profile "
                  + p
                  + " has no range for dynamic input '"
                  + in.getKey()
                  + "' "
                  + in.getValue());
        }
      }
    }
  }
}
