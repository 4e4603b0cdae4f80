package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.ChildJvm;
import io.github.trt4j.internal.Cuda;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The native layer on a GPU: TensorRT and the driver only, the library search order as a user meets
 * it, the version checks, and the caller's CUDA context left alone.
 */
@GpuTest
class NativeLayerGpuTest {

  /** CUDA toolkit libraries (not the driver's libcuda) mapped into this process. */
  static TreeSet<String> toolkitLibraries() throws IOException {
    TreeSet<String> found = new TreeSet<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      int slash = line.indexOf('/');
      if (slash < 0) {
        continue;
      }
      String name = Path.of(line.substring(slash).trim()).getFileName().toString();
      if (name.matches(
          "lib(cudart|cublas|cublasLt|cudnn.*|nvrtc.*|nvJitLink|jnicudart|jnicublas|jnicudnn|jninvrtc)\\.so.*")) {
        found.add(name);
      }
    }
    return found;
  }

  static TreeSet<String> mappedNames() throws IOException {
    TreeSet<String> found = new TreeSet<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      int slash = line.indexOf('/');
      if (slash >= 0 && line.substring(slash).contains(".so")) {
        found.add(Path.of(line.substring(slash).trim()).getFileName().toString());
      }
    }
    return found;
  }

  @Test
  void onlyTheDriverTensorRtAndItsGlueAreMapped() throws IOException {
    NativeRuntime r = TrtEngine.runtime();
    System.out.println("runtime: " + r);
    assertEquals(
        io.github.trt4j.internal.trt.Natives.lineMajor(),
        Integer.parseInt(r.tensorRtVersion().split("\\.")[0]));
    assertTrue(Files.isRegularFile(r.tensorRtLibrary()), r.toString());
    try (TrtEngine e = TrtEngine.load(TestModels.engine("seed"));
        Inferer i = e.createInferer()) {
      i.run(FastPathGpuTest.inputs("seed"));
    }
    TreeSet<String> names = mappedNames();
    System.out.println("mapped .so files: " + names);
    assertEquals(new TreeSet<String>(), toolkitLibraries(), "CUDA toolkit libraries mapped");
    assertTrue(names.stream().anyMatch(n -> n.startsWith("libcuda.so")), names.toString());
    assertTrue(names.stream().anyMatch(n -> n.startsWith("libnvinfer.so")), names.toString());
    assertTrue(names.contains("libjninvinfer.so"), names.toString());
  }

  @Test
  void aThreadWithoutAContextHasNoneAfterLoadingAndRunning() throws Exception {
    Path plan = TestModels.engine("seed");
    Map<String, Tensor> in = FastPathGpuTest.inputs("seed");
    long[] seen = new long[4];
    Throwable[] failed = new Throwable[1];
    Thread t =
        new Thread(
            () -> {
              try {
                seen[0] = Cuda.currentContext();
                try (TrtEngine e = TrtEngine.load(plan)) {
                  seen[1] = Cuda.currentContext();
                  try (Inferer i = e.createInferer();
                      IoBinding b = i.createBinding()) {
                    seen[2] = Cuda.currentContext();
                    i.run(in);
                    i.run(b);
                    seen[3] = Cuda.currentContext();
                  }
                }
              } catch (Throwable x) {
                failed[0] = x;
              }
            });
    t.start();
    t.join(120_000);
    if (failed[0] != null) {
      throw new AssertionError(failed[0]);
    }
    assertEquals(0L, seen[0], "a new thread has no current context");
    assertEquals(0L, seen[1], "after load");
    assertEquals(0L, seen[2], "after createInferer/createBinding");
    assertEquals(0L, seen[3], "after run(Map) and run(IoBinding)");
  }

  @Test
  void aPlanOfAnotherVersionNamesBothVersionsAndBothFixes() throws IOException {
    byte[] plan = Files.readAllBytes(TestModels.engine("seed"));
    plan[24] = (byte) (plan[24] == 10 ? 10 : plan[24]);
    plan[25] = (byte) (plan[25] + 2); // minor + 2
    EngineLoadException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            EngineLoadException.class, () -> TrtEngine.load(plan));
    String v = TrtEngine.tensorRtVersion();
    System.out.println("version mismatch: " + e.getMessage());
    assertTrue(e.getMessage().contains("but the TensorRT loaded is " + v), e.getMessage());
    assertTrue(
        e.getMessage().contains("TRT4J_TENSORRT_HOME") && e.getMessage().contains("rebuild"),
        e.getMessage());
  }

  /** Runs RuntimeProbe in a child JVM with {@code env} changes; its output. */
  static String probe(Map<String, String> env, List<String> unset, String... args)
      throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(ChildJvm.command(RuntimeProbe.class.getName(), List.of(args)));
    pb.environment().putAll(env);
    unset.forEach(pb.environment()::remove);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe finished");
    String s = new String(out, StandardCharsets.UTF_8);
    System.out.println("probe " + env + " -> exit " + p.exitValue() + "\n" + s);
    return "exit " + p.exitValue() + "\n" + s;
  }

  @Test
  void aTensorRtHomeIsTakenWithoutTheLibraryPathAndABadOneIsNamed() throws Exception {
    NativeRuntime here = TrtEngine.runtime();
    Path dir = here.tensorRtLibrary().getParent();
    String plan = TestModels.engine("seed").toString();
    String ok =
        probe(Map.of("TRT4J_TENSORRT_HOME", dir.toString()), List.of("LD_LIBRARY_PATH"), plan);
    assertTrue(ok.startsWith("exit 0"), ok);
    assertTrue(ok.contains("(TRT4J_TENSORRT_HOME)"), ok);
    assertTrue(ok.contains("ran: outputs"), ok);
    assertTrue(ok.contains("toolkit libraries mapped: []"), ok);
    Path empty = Files.createTempDirectory("no-tensorrt");
    String bad = probe(Map.of("TRT4J_TENSORRT_HOME", empty.toString()), List.of("LD_LIBRARY_PATH"));
    assertTrue(bad.startsWith("exit 3"), bad);
    assertTrue(
        bad.contains("TRT4J_TENSORRT_HOME names " + empty + ", which holds no libnvinfer.so."),
        bad);
    Files.delete(empty);
  }
}
