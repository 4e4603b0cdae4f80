package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The layout, read from the compiled classes: the CUDA driver layer ({@code internal.cuda}) imports
 * only the JDK; the file formats ({@code internal.format}) only the JDK and the API's value types;
 * the shared runtime ({@code internal}) never the TensorRT glue; and only the TensorRT glue ({@code
 * internal.trt}) touches bytedeco. The other artifacts (trt4j-cli, trt4j-kserve, trt4j-gazeml,
 * trt4j-bench) check that they use only the exported package ({@code PublicApiOnlyTest}).
 */
class LayeringTest {

  private static final Pattern TYPE =
      Pattern.compile("L?([a-z][a-z0-9_]*(?:/[a-z][a-z0-9_]*)+)/[A-Z][A-Za-z0-9_$]*");

  /** Packages (dotted) each class of {@code pkg} refers to. */
  static TreeSet<String> references(String pkg) throws Exception {
    try (Stream<Path> s = Files.list(ClassRefs.mainClasses().resolve(pkg.replace('.', '/')))) {
      return ClassRefs.matches(s, TYPE, x -> x.group(1).replace('/', '.'));
    }
  }

  static void only(String pkg, Predicate<String> allowed) throws Exception {
    List<String> bad = new ArrayList<>();
    for (String r : references(pkg)) {
      if (!allowed.test(r)) {
        bad.add(r);
      }
    }
    assertEquals(List.of(), bad, pkg + " refers to packages outside its layer");
  }

  static boolean jdk(String p) {
    return p.startsWith("java.") || p.startsWith("jdk.internal.") || p.startsWith("javax.");
  }

  /**
   * The module exports the API only and needs nothing optional: the command line, the KServe client
   * and the GazeML sample are other artifacts. (Read from module-info.class rather than from the
   * classes directory, which a GPU pack shares with every other project's classes.)
   */
  @Test
  void theModuleExportsOnlyTheApiAndRequiresNothingOptional() throws Exception {
    java.lang.module.ModuleDescriptor d;
    try (var in = Files.newInputStream(ClassRefs.mainClasses().resolve("module-info.class"))) {
      d = java.lang.module.ModuleDescriptor.read(in);
    }
    assertEquals(
        List.of("io.github.trt4j"),
        d.exports().stream().map(e -> e.source()).sorted().toList(),
        "exported packages");
    assertEquals(List.of(), List.copyOf(d.opens()), "opened packages");
    assertEquals(
        List.of(
            "java.base",
            "org.bytedeco.cuda",
            "org.bytedeco.javacpp",
            "org.bytedeco.tensorrt",
            "org.slf4j"),
        d.requires().stream()
            .map(java.lang.module.ModuleDescriptor.Requires::name)
            .sorted()
            .toList(),
        "required modules (none static)");
  }

  @Test
  void theDriverLayerImportsOnlyTheJdk() throws Exception {
    only("io.github.trt4j.internal.cuda", p -> jdk(p) || p.equals("io.github.trt4j.internal.cuda"));
  }

  @Test
  void fileFormatsImportTheJdkAndTheApisValueTypesOnly() throws Exception {
    only(
        "io.github.trt4j.internal.format",
        p -> jdk(p) || p.equals("io.github.trt4j.internal.format") || p.equals("io.github.trt4j"));
  }

  @Test
  void theSharedRuntimeNeverReachesIntoTheTensorRtGlue() throws Exception {
    only(
        "io.github.trt4j.internal",
        p -> !p.startsWith("io.github.trt4j.internal.trt") && !p.startsWith("org.bytedeco"));
  }

  @Test
  void onlyTheTensorRtGlueTouchesBytedeco() throws Exception {
    for (String pkg :
        List.of(
            "io.github.trt4j",
            "io.github.trt4j.internal",
            "io.github.trt4j.internal.cuda",
            "io.github.trt4j.internal.format")) {
      TreeSet<String> r = references(pkg);
      assertTrue(r.stream().noneMatch(p -> p.startsWith("org.bytedeco")), pkg + " refers to " + r);
    }
    assertTrue(
        references("io.github.trt4j.internal.trt").contains("org.bytedeco.tensorrt.nvinfer"));
  }
}
