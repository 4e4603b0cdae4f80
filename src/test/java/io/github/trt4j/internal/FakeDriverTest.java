package io.github.trt4j.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver layer against stand-ins for libcuda.so.1 ({@code src/test/resources/fakecuda}),
 * compiled here with the machine's C compiler, each in a fresh JVM: an old driver, no device, a
 * failed cuInit, a failed primary context, a driver without a function trt4j binds, a failing call
 * after the start, and a file that is no library. Each ends in one typed exception naming what was
 * found and the fix; none in a crash or a linkage error. No GPU needed.
 */
class FakeDriverTest {

  @TempDir static Path dir;
  static String cc;
  static Path source;

  @BeforeAll
  static void findCompiler() throws IOException {
    source = Path.of("src/test/resources/fakecuda/fake_cuda.c").toAbsolutePath();
    for (String c : List.of("cc", "gcc", "clang")) {
      if (runs(List.of(c, "--version"))) {
        cc = c;
        break;
      }
    }
    assumeTrue(Files.isRegularFile(source), "no " + source);
    assumeTrue(
        cc != null, "no C compiler (cc, gcc or clang) to build the stand-in libcuda.so.1 with");
  }

  private static boolean runs(List<String> cmd) {
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Builds a stand-in with {@code defines} (e.g. {@code INIT_STATUS=100}). */
  static Path fake(String name, String... defines) {
    Path so = dir.resolve("libcuda-" + name + ".so.1");
    List<String> cmd = new ArrayList<>(List.of(cc, "-shared", "-fPIC", "-O1"));
    for (String d : defines) {
      cmd.add("-D" + d);
    }
    cmd.addAll(List.of("-o", so.toString(), source.toString()));
    assertTrue(runs(cmd), "compiling " + cmd);
    return so;
  }

  /** The probe's one line against driver library {@code lib}. */
  static String probe(Path lib, String... args) throws IOException {
    ChildJvm.Outcome o =
        ChildJvm.run(
            List.of("-Dtrt4j.cuda.driver=" + lib),
            FakeDriverProbe.class.getName(),
            List.of(args),
            Duration.ofSeconds(60));
    assertEquals(0, o.exitCode(), "the probe ended abnormally: " + o.stdout() + o.stderr());
    return o.stdout().strip();
  }

  @Test
  void aWorkingStandInStarts() throws IOException {
    assertEquals("ok Stand-in GPU (compute 9.9)", probe(fake("ok"), "stream"));
  }

  @Test
  void anOldDriverIsNamedWithTheVersionTheLineNeeds() throws IOException {
    String line = probe(fake("old", "DRIVER_VERSION=11080"));
    assertTrue(
        line.startsWith(
            "CudaUnavailableException: The NVIDIA driver is too old: it supports CUDA 11.8, and"),
        line);
    assertTrue(line.endsWith("Update the NVIDIA driver."), line);
  }

  @Test
  void failedStartsAreNamedByTheirStatus() throws IOException {
    assertEquals(
        "CudaUnavailableException: No CUDA-capable GPU found (CUDA_ERROR_NO_DEVICE)",
        probe(fake("nodevice", "INIT_STATUS=100")));
    String mismatch = probe(fake("mismatch", "INIT_STATUS=35"));
    assertTrue(
        mismatch.startsWith(
            "CudaUnavailableException: The NVIDIA driver does not match its kernel module or is"
                + " too old (CUDA_ERROR_INSUFFICIENT_DRIVER"),
        mismatch);
    assertEquals(
        "CudaUnavailableException: No CUDA-capable GPU found (the NVIDIA driver reports 0"
            + " devices)",
        probe(fake("zero", "DEVICE_COUNT=0")));
    String retain = probe(fake("retain", "RETAIN_STATUS=2"));
    assertTrue(
        retain.startsWith(
            "CudaUnavailableException: CUDA device 0 cannot be used: cuDevicePrimaryCtxRetain"
                + " failed with CUDA_ERROR_OUT_OF_MEMORY"),
        retain);
  }

  @Test
  void aDriverWithoutAFunctionTrt4jBindsIsTooOldForTrt4j() throws IOException {
    assertEquals(
        "CudaUnavailableException: libcuda.so.1 lacks cuGraphLaunch: the NVIDIA driver is too old"
            + " for trt4j. Update the NVIDIA driver.",
        probe(fake("nograph", "OMIT_GRAPH_LAUNCH")));
  }

  @Test
  void aFailingCallAfterTheStartIsACudaExceptionNamingTheCallAndStatus() throws IOException {
    assertEquals(
        "CudaException: cuStreamCreate failed for a non-blocking stream: CUDA_ERROR_OUT_OF_MEMORY"
            + " (out of memory)",
        probe(fake("nostream", "STREAM_STATUS=2"), "stream"));
  }

  @Test
  void aFileThatIsNoLibraryIsNoDriver() throws IOException {
    Path junk = Files.writeString(dir.resolve("libcuda-junk.so.1"), "not a shared library");
    String line = probe(junk);
    assertTrue(line.startsWith("CudaUnavailableException: No NVIDIA driver: libcuda.so.1"), line);
    assertTrue(line.endsWith("Install the NVIDIA driver for your GPU."), line);
  }
}
