package io.github.trt4j.kserve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * gRPC and protobuf are trt4j-kserve's dependencies, but only the gRPC runner and the generated
 * classes may refer to them: the REST runner and the factory work with neither on the class path
 * (an application that uses only REST may exclude them).
 */
class OptionalDependenciesTest {

  static Path classes() throws Exception {
    return Path.of(Runners.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** The core's classes (a jar, or target/classes in a reactor build). */
  static Path core() throws Exception {
    return Path.of(
        io.github.trt4j.Runner.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** Classes allowed to use gRPC/protobuf: the gRPC runner, the door to it, generated code. */
  static boolean mayUseGrpc(String rel) {
    return rel.startsWith("io/github/trt4j/kserve/GrpcRunner")
        // trt4j-bench's benchmark, in this package, beside these classes in a GPU pack.
        || rel.startsWith("io/github/trt4j/kserve/KServeBenchmark")
        || rel.equals("io/github/trt4j/kserve/Runners$GrpcRunners.class")
        || rel.contains("/proto/");
  }

  @Test
  void noOtherClassRefersToGrpcOrProtobuf() throws Exception {
    Path root = classes();
    List<String> offenders = new ArrayList<>();
    int checked = 0;
    // This artifact's packages only: a GPU pack merges every project's classes into one directory.
    List<Path> files = new ArrayList<>();
    for (String pkg : List.of("io/github/trt4j/kserve", "io/github/trt4j/triton")) {
      try (Stream<Path> s = Files.walk(root.resolve(pkg))) {
        files.addAll(s.filter(f -> f.toString().endsWith(".class")).toList());
      }
    }
    for (Path p : files) {
      String rel = root.relativize(p).toString().replace('\\', '/');
      if (mayUseGrpc(rel)) {
        continue;
      }
      checked++;
      for (PoolEntry e : ClassFile.of().parse(p).constantPool()) {
        if (e instanceof Utf8Entry u) {
          String v = u.stringValue();
          if (v.contains("io/grpc/") || v.contains("com/google/protobuf/")) {
            offenders.add(rel + " -> " + v);
          }
        }
      }
    }
    assertTrue(checked > 20, "scanned only " + checked + " classes under " + root);
    assertEquals(List.of(), offenders);
  }

  @Test
  void restRunnerAndFactoryRunWithoutGrpcOnTheClassPath() throws Exception {
    HttpServerModule.assumePresent();
    FakeBackend backend = new FakeBackend();
    try (FakeHttpServer server = new FakeHttpServer(backend);
        URLClassLoader bare =
            new URLClassLoader(
                new URL[] {classes().toUri().toURL(), core().toUri().toURL()},
                ClassLoader.getPlatformClassLoader())) {
      assertThrows(ClassNotFoundException.class, () -> bare.loadClass("io.grpc.ManagedChannel"));
      assertThrows(
          ClassNotFoundException.class, () -> bare.loadClass("com.google.protobuf.Message"));
      Class<?> runners = bare.loadClass(Runners.class.getName());
      Object runner =
          runners.getMethod("open", String.class).invoke(null, server.base() + "/affine");
      Class<?> runnerType = bare.loadClass("io.github.trt4j.Runner");
      Class<?> shape = bare.loadClass("io.github.trt4j.Shape");
      Class<?> tensor = bare.loadClass("io.github.trt4j.Tensor");
      Object s = shape.getMethod("of", long[].class).invoke(null, (Object) new long[] {1, 4});
      Object x =
          tensor
              .getMethod("ofFloats", shape, float[].class)
              .invoke(null, s, new float[] {1, 2, 3, 4});
      Method run = runnerType.getMethod("run", Map.class);
      Map<?, ?> out = (Map<?, ?>) run.invoke(runner, Map.of("x", x));
      float[] y = (float[]) tensor.getMethod("floats").invoke(out.get("y"));
      assertEquals(9f, y[3]);
      runnerType.getMethod("close").invoke(runner);
    }
  }
}
