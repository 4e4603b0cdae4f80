package io.github.trt4j.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, class 10 (files and the command line): link loops, dangling links and directories are
 * named as such; {@code run} checks its output directory before it loads anything; a path the
 * locale cannot encode gets a hint.
 */
class CliHostileTest {

  @TempDir Path dir;

  @Test
  void badPathsAreNamedForWhatTheyAre() throws Exception {
    Path loop = Files.createSymbolicLink(dir.resolve("loop.npy"), dir.resolve("loop.npy"));
    Path loopEngine =
        Files.createSymbolicLink(dir.resolve("loop.engine"), dir.resolve("loop2.engine"));
    Files.createSymbolicLink(dir.resolve("loop2.engine"), loopEngine);
    Path loopOnnx = Files.createSymbolicLink(dir.resolve("loop.onnx"), dir.resolve("loop.onnx"));
    Path dangling = Files.createSymbolicLink(dir.resolve("gone.npy"), dir.resolve("nothing.npy"));
    Path folder = Files.createDirectory(dir.resolve("folder.npy"));
    Path engineDir = Files.createDirectory(dir.resolve("dir.engine"));
    // Not a plan: were it loaded before the output check, the message would be about the plan or
    // CUDA.
    Path garbage = Files.write(dir.resolve("garbage.engine"), new byte[64]);
    Path aFile = Files.writeString(dir.resolve("a-file"), "x");
    Path danglingOut = Files.createSymbolicLink(dir.resolve("out-link"), dir.resolve("no/such"));
    String out = dir.resolve("out").toString();

    Map<String[], String> cases = new LinkedHashMap<>();
    cases.put(
        new String[] {"run", garbage.toString(), "-i", "x=" + loop, "-o", out},
        "Cannot read NPY file " + loop + ": a loop of symbolic links");
    cases.put(
        new String[] {"run", garbage.toString(), "-i", "x=" + dangling, "-o", out},
        "Cannot read NPY file " + dangling + ": it is a dangling symbolic link");
    cases.put(
        new String[] {"run", garbage.toString(), "-i", "x=" + folder, "-o", out},
        "Cannot read NPY file " + folder + ": it is a directory");
    cases.put(
        new String[] {"run", loopEngine.toString(), "-o", out},
        "Cannot read engine file " + loopEngine + ": a loop of symbolic links");
    cases.put(
        new String[] {"run", loopOnnx.toString(), "-o", out},
        "Cannot read ONNX model file " + loopOnnx + ": a loop of symbolic links");
    cases.put(
        new String[] {"inspect", loopEngine.toString()},
        "Cannot read engine file " + loopEngine + ": a loop of symbolic links");
    cases.put(
        new String[] {"inspect", engineDir.toString()},
        "Cannot read engine file " + engineDir + ": it is a directory");
    cases.put(
        new String[] {"triton-export", engineDir.toString(), dir.resolve("repo").toString()},
        "Cannot read engine file " + engineDir + ": it is a directory");
    cases.put(
        new String[] {"run", garbage.toString(), "-i", "x=" + loop, "-o", aFile.toString()},
        "Cannot write outputs to --output-dir " + aFile + ": it exists and is not a directory");
    cases.put(
        new String[] {"run", garbage.toString(), "-o", aFile.resolve("sub").toString()},
        "Cannot write outputs to --output-dir " + aFile.resolve("sub") + ": cannot create it");
    cases.put(
        new String[] {"run", garbage.toString(), "-o", danglingOut.toString()},
        "Cannot write outputs to --output-dir " + danglingOut + ": it is a dangling symbolic link");
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String[], String> c : cases.entrySet()) {
      long t0 = System.nanoTime();
      CliTest.Result r = CliTest.run(c.getKey());
      long ms = (System.nanoTime() - t0) / 1_000_000;
      String args = String.join(" ", c.getKey());
      if (r.code() != 1 || !r.err().startsWith("trt4j: " + c.getValue()) || ms > 10_000) {
        problems.add(args + " -> exit " + r.code() + " in " + ms + " ms: " + r.err());
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
    assertFalse(Files.exists(dir.resolve("out").resolve("y.npy")));
    System.out.println(
        "issue16 class 10 (CLI files): " + cases.size() + " bad paths, each named, exit 1");
  }

  @Test
  void aPathTheLocaleCannotEncodeGetsAHint() throws Exception {
    List<String> cmd =
        ChildJvm.command(
            Main.class.getName(),
            List.of(
                "run", dir.resolve("é.engine").toString(), "-o", dir.resolve("out").toString()));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.txt").toFile());
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    boolean done = p.waitFor(60, TimeUnit.SECONDS);
    if (!done) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    assertTrue(done, "child still running at 60 s");
    String text =
        Files.readString(dir.resolve("child.txt"), java.nio.charset.StandardCharsets.ISO_8859_1);
    assertTrue(
        p.exitValue() == 2
            && text.contains("Malformed input")
            && text.contains("hint: a path holds characters")
            && text.contains("LC_ALL=C.UTF-8"),
        "exit " + p.exitValue() + ": " + text);
    System.out.println("issue16 class 10 (LC_ALL=C): a non-ASCII path gets the hint, exit 2");
  }
}
