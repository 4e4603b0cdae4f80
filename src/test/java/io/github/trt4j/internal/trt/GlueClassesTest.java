package io.github.trt4j.internal.trt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;

/**
 * Every bytedeco class trt4j's compiled code refers to whose static initializer calls {@code
 * Loader.load()} must be initialized by {@link Natives} while JavaCPP's loading is off: one that is
 * not would, on first use, make JavaCPP load the CUDA presets and a second libnvinfer.
 */
class GlueClassesTest {

  private static final Pattern REF =
      Pattern.compile("org/bytedeco/(tensorrt|cuda)/[a-z_]+/[A-Za-z0-9_$]+");

  @Test
  void everyLoadingClassTrt4jUsesIsInitializedUpFront() throws Exception {
    Set<String> referenced;
    try (Stream<Path> s = Files.walk(io.github.trt4j.ClassRefs.mainClasses())) {
      referenced = io.github.trt4j.ClassRefs.matches(s, REF, x -> x.group().replace('/', '.'));
    }
    assertFalse(referenced.isEmpty(), "trt4j refers to TensorRT classes");
    List<String> initialized = new ArrayList<>();
    initialized.addAll(GlueClasses.RUNTIME);
    initialized.addAll(GlueClasses.PARSER);
    initialized.addAll(GlueClasses.PLUGIN);
    List<String> missing = new ArrayList<>();
    for (String c : referenced) {
      if (loadsLibraries(c) && !initialized.contains(c) && !initializedBySubclass(c, initialized)) {
        missing.add(c);
      }
    }
    assertEquals(List.of(), missing, "classes whose Loader.load() would run after Natives.load()");
  }

  /** Whether the class's static initializer calls {@code Loader.load}. */
  private static boolean loadsLibraries(String className) throws IOException {
    try (InputStream in =
        ClassLoader.getSystemResourceAsStream(className.replace('.', '/') + ".class")) {
      if (in == null) {
        return false;
      }
      ClassModel m = ClassFile.of().parse(in.readAllBytes());
      return m.methods().stream()
          .anyMatch(
              md ->
                  md.methodName().equalsString("<clinit>")
                      && md.code().isPresent()
                      && md.code()
                          .get()
                          .elementStream()
                          .anyMatch(el -> el.toString().contains("org/bytedeco/javacpp/Loader")));
    }
  }

  /** Superclasses are initialized with their subclasses. */
  private static boolean initializedBySubclass(String c, List<String> initialized)
      throws Exception {
    for (String i : initialized) {
      try {
        Class<?> k = Class.forName(i, false, GlueClassesTest.class.getClassLoader());
        for (Class<?> s = k.getSuperclass(); s != null; s = s.getSuperclass()) {
          if (s.getName().equals(c)) {
            return true;
          }
        }
      } catch (ClassNotFoundException e) {
        // another line's class
      }
    }
    return false;
  }

  @Test
  void javaCppLoadingIsOffOnlyInsideTheWindow() {
    String before = System.getProperty(Natives.LOAD_LIBRARIES);
    assertTrue(Loader.isLoadLibraries());
    boolean inside = Natives.withoutJavaCppLoading(Loader::isLoadLibraries);
    assertFalse(inside);
    assertTrue(Loader.isLoadLibraries());
    assertEquals(before, System.getProperty(Natives.LOAD_LIBRARIES));
    assertEquals(null, System.getProperty(Natives.LOAD_LIBRARIES_CAMEL));
  }

  @Test
  void tensorRtClassesInitializedInTheWindowLoadNothingAndOpenCvStillLoads() throws Exception {
    // What Natives.load() does (here without TensorRT's libraries): the classes are initialized
    // while JavaCPP's loading is off, so their Loader.load() loads nothing, neither then nor
    // later; JavaCPP then loads other presets as usual.
    Natives.withoutJavaCppLoading(
        () -> {
          for (String c :
              List.of(
                  "org.bytedeco.tensorrt.nvinfer.IRuntime",
                  "org.bytedeco.tensorrt.nvinfer.ICudaEngine")) {
            try {
              Class.forName(c, true, GlueClassesTest.class.getClassLoader());
            } catch (ClassNotFoundException e) {
              throw new AssertionError(e);
            }
          }
          return null;
        });
    {
      assertFalse(
          Loader.getLoadedLibraries().keySet().stream()
              .anyMatch(k -> k.contains("cudart") || k.contains("nvinfer") || k.contains("cublas")),
          "no CUDA or TensorRT library loaded by JavaCPP: " + Loader.getLoadedLibraries().keySet());
    }
    Loader.load(org.bytedeco.opencv.global.opencv_core.class);
    try (var m =
        new org.bytedeco.opencv.opencv_core.Mat(
            2, 3, org.bytedeco.opencv.global.opencv_core.CV_8UC1)) {
      assertEquals(6, m.total());
    }
  }
}
