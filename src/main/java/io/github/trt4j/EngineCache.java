package io.github.trt4j;

import io.github.trt4j.internal.Cuda;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Engines built once from ONNX and kept in a cache directory: the first call for a model and its
 * build settings builds the plan (atomically, with its {@link PlanDigest}); later calls return it,
 * and rebuild it only when it is gone or its digest no longer matches. The key covers the model's
 * bytes (SHA-256), every {@link EngineBuilder} setting, the loaded TensorRT's version and the GPU
 * (name and compute capability), so a driver, TensorRT or GPU change never reuses a plan built for
 * another. Each TensorRT version and GPU also get a timing cache there, which later builds of any
 * model reuse (unless the builder names its own).
 *
 * <pre>{@code
 * Path plan = EngineCache.inDefaultDirectory().engine(EngineBuilder.fromOnnx(model).fp16(true),
 *     System.out::println);
 * }</pre>
 *
 * <p>Thread-safe as far as the file system is: two processes building the same key at once each
 * write the plan atomically, and the last rename wins.
 */
public final class EngineCache {

  private final Path dir;

  private EngineCache(Path dir) {
    this.dir = dir;
  }

  /** {@return the cache in {@link #defaultDirectory()}} */
  public static EngineCache inDefaultDirectory() {
    return new EngineCache(defaultDirectory());
  }

  /**
   * A cache in {@code dir} (made when first written).
   *
   * @param dir the directory
   * @return the cache
   */
  public static EngineCache in(Path dir) {
    return new EngineCache(dir);
  }

  /**
   * {@return {@code $TRT4J_CACHE}, else {@code $XDG_CACHE_HOME/trt4j}, else {@code ~/.cache/trt4j}}
   */
  public static Path defaultDirectory() {
    String own = System.getenv("TRT4J_CACHE");
    if (own != null && !own.isBlank()) {
      return Path.of(own);
    }
    String xdg = System.getenv("XDG_CACHE_HOME");
    Path base =
        xdg != null && !xdg.isBlank()
            ? Path.of(xdg)
            : Path.of(System.getProperty("user.home"), ".cache");
    return base.resolve("trt4j");
  }

  /** {@return the cache's directory} */
  public Path directory() {
    return dir;
  }

  /**
   * The plan for {@code builder}'s model and settings, built first when absent or damaged.
   *
   * @param builder the model and build settings (its device picks the GPU of the key)
   * @param progress told one line when a build starts and one when it ends, with its time
   * @return the plan's path in this cache
   * @throws IOException if the model cannot be read or the cache cannot be written
   */
  public Path engine(EngineBuilder builder, Consumer<String> progress) throws IOException {
    String gpu = Cuda.deviceDescription(builder.deviceIndex());
    String trt = TrtEngine.tensorRtVersion();
    Path plan = dir.resolve(fileName(builder.model(), key(builder, trt, gpu)));
    if (Files.isRegularFile(plan) && PlanDigest.check(plan).state() == PlanDigest.State.MATCH) {
      return plan;
    }
    Files.createDirectories(dir);
    if (!builder.hasTimingCache()) {
      builder.timingCache(dir.resolve(timingCacheName(trt, gpu)));
    }
    progress.accept(
        "building "
            + plan.getFileName()
            + " from "
            + builder.model()
            + " (once; cached in "
            + dir
            + ")");
    long t0 = System.nanoTime();
    builder.buildTo(plan);
    progress.accept(
        String.format(
            Locale.ROOT, "built %s in %.1f s", plan.getFileName(), (System.nanoTime() - t0) / 1e9));
    return plan;
  }

  /** The cache key: the model's bytes and every setting, the TensorRT version and the GPU. */
  static String key(EngineBuilder builder, String trtVersion, String gpu) throws IOException {
    MessageDigest sha = sha256();
    try (InputStream in = Files.newInputStream(builder.model())) {
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) {
        sha.update(buf, 0, n);
      }
    }
    String settings = builder.settings() + "|trt=" + trtVersion + "|gpu=" + gpu;
    sha.update(settings.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha.digest(), 0, 8);
  }

  static String fileName(Path model, String key) {
    String stem = model.getFileName().toString().replaceFirst("(?i)\\.onnx$", "");
    return stem + "-" + key + ".engine";
  }

  static String timingCacheName(String trtVersion, String gpu) {
    byte[] h = sha256().digest((trtVersion + "|" + gpu).getBytes(StandardCharsets.UTF_8));
    return "timing-" + trtVersion + "-" + HexFormat.of().formatHex(h, 0, 4) + ".cache";
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
