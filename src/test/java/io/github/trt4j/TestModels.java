package io.github.trt4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** The committed test models (scripts/make_test_models.py) and engines built from them once. */
final class TestModels {

  static final Path DIR = locate();
  private static final Map<String, Path> ENGINES = new HashMap<>();

  private TestModels() {}

  private static Path locate() {
    String override = System.getenv("TRT4J_TEST_MODELS");
    if (override != null && !override.isBlank()) {
      return Path.of(override);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve("models/test"))) {
        return p.resolve("models/test");
      }
    }
    throw new IllegalStateException("models/test not found above " + Path.of("").toAbsolutePath());
  }

  static Path onnx(String name) {
    return DIR.resolve(name + ".onnx");
  }

  static Tensor npy(String file) throws IOException {
    return Npy.read(DIR.resolve(file));
  }

  /** A strict-FP32 engine of model {@code name}, built once per JVM. */
  static synchronized Path engine(String name) throws IOException {
    Path e = ENGINES.get(name);
    if (e == null) {
      Path dir = Files.createDirectories(Path.of("target", "test-engines"));
      e = dir.resolve(name + ".engine");
      EngineBuilder b = EngineBuilder.fromOnnx(onnx(name)).tf32(false);
      if (name.equals("dynamic")) {
        b.profile(Map.of("x", ShapeRange.parse("1x16/8x16/16x16")));
      }
      if (name.equals("nonzero")) {
        b.profile(Map.of("x", ShapeRange.parse("1/64/4096")));
      }
      b.buildTo(e);
      ENGINES.put(name, e);
    }
    return e;
  }
}
