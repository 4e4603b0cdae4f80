package io.github.trt4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.DataType;
import io.github.trt4j.Shape;
import io.github.trt4j.ShapeRange;
import io.github.trt4j.Tensor;
import io.github.trt4j.TensorSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CliTest {

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Result(code, out.toString(), err.toString());
  }

  @Test
  void helpListsTheCommands() {
    Result r = run("--help");
    assertEquals(0, r.code);
    for (String c : List.of("inspect", "build", "run", "bench", "verify", "triton-export")) {
      assertTrue(r.out.contains(c), r.out);
    }
    Result b = run("build", "--help");
    assertTrue(
        b.out.contains("--shapes") && b.out.contains("--timing-cache") && b.out.contains("--fp16"),
        b.out);
  }

  @Test
  void pluginsAreOfferedWhereEnginesLoadOrBuild() {
    for (String c : List.of("build", "run", "bench", "inspect")) {
      Result h = run(c, "--help");
      assertTrue(h.out.contains("--plugins=std|LIB.so"), c + ": " + h.out);
    }
    PluginOption p = new PluginOption();
    new CommandLine(
            new Object() {
              @CommandLine.Mixin PluginOption o = p;
            })
        .parseArgs("--plugins", "std,/opt/lib/libmy.so", "--plugins", "x.so");
    assertTrue(p.standard());
    assertEquals(
        List.of(java.nio.file.Path.of("/opt/lib/libmy.so"), java.nio.file.Path.of("x.so")),
        List.of(p.libraries()));
    io.github.trt4j.LoadOptions o = p.apply(io.github.trt4j.LoadOptions.defaults());
    assertTrue(o.standardPlugins());
    assertEquals(2, o.pluginLibraries().size());
  }

  @Test
  void compatibleBuildFlags() {
    Result h = run("build", "--help");
    assertTrue(
        h.out.contains("--hardwareCompatibilityLevel")
            && h.out.contains("--versionCompatible")
            && h.out.contains("--excludeLeanRuntime"),
        h.out);
    assertTrue(run("inspect", "--help").out.contains("--allow-host-code"));
    Result r = run("build", "models/test/single.onnx", "-o", "x.engine", "--excludeLeanRuntime");
    assertTrue(r.err.contains("--excludeLeanRuntime needs --versionCompatible"), r.err);
    r =
        run(
            "build",
            "models/test/single.onnx",
            "-o",
            "x.engine",
            "--hardwareCompatibilityLevel",
            "volta+");
    assertTrue(
        r.err.contains("'volta+' is not one of none, ampere+, same-compute-capability"), r.err);
  }

  @Test
  void tensorRtsInfoLinesOnlyWithVerbose() {
    String key = Main.TENSORRT_LOGGER;
    String was = System.getProperty(key);
    try {
      System.clearProperty(key);
      Main.quietTensorRt(new String[] {"build", "m.onnx", "--verbose"});
      assertEquals(null, System.getProperty(key));
      Main.quietTensorRt(new String[] {"build", "m.onnx"});
      assertEquals("warn", System.getProperty(key));
      System.setProperty(key, "debug");
      Main.quietTensorRt(new String[] {"build", "m.onnx"});
      assertEquals("debug", System.getProperty(key), "a level the user set is kept");
    } finally {
      if (was == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, was);
      }
    }
    assertTrue(run("build", "--help").out.contains("--verbose"));
  }

  @Test
  void noCommandNamesTheCommands() {
    Result r = run();
    assertEquals(2, r.code);
    assertTrue(
        r.err.contains("Missing command: inspect, build, run, bench, verify")
            && r.err.contains(" or "),
        r.err);
  }

  @Test
  void usageErrorsExitWithTwo() {
    Result r = run("build", "model.onnx");
    assertEquals(2, r.code);
    assertTrue(r.err.contains("--output"), r.err);
    assertEquals(2, run("frobnicate").code);
    assertEquals(2, run().code);
  }

  @Test
  void parsesShapeRanges() {
    Map<String, ShapeRange> m =
        BuildCommand.parseShapes(List.of("x:1x16/8x16/16x16", "ns:scope:4x2"));
    assertEquals(ShapeRange.parse("1x16/8x16/16x16"), m.get("x"));
    assertEquals(ShapeRange.fixed(Shape.of(4, 2)), m.get("ns:scope"));
    var e =
        assertThrows(IllegalArgumentException.class, () -> BuildCommand.parseShapes(List.of("x")));
    assertEquals(
        "--shapes entry 'x' is not NAME:MIN/OPT/MAX (e.g. x:1x8/8x8/16x8)", e.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> BuildCommand.parseShapes(List.of("x:1x2", "x:1x2")));
  }

  @Test
  void parsesInputsAndCoercesTypes() {
    Map<String, Path> m = RunCommand.parseInputs(List.of("__eye=a/eye.npy", "k=b=c.npy"));
    assertEquals(Path.of("a/eye.npy"), m.get("__eye"));
    assertEquals(Path.of("b=c.npy"), m.get("k"));
    assertThrows(IllegalArgumentException.class, () -> RunCommand.parseInputs(List.of("eye.npy")));
    TensorSpec half = TensorSpec.of(0, "h", TensorSpec.Direction.INPUT, DataType.HALF, Shape.of(2));
    Tensor f = Tensor.ofFloats(Shape.of(2), new float[] {1, 2});
    assertEquals(DataType.HALF, RunCommand.coerce(f, half, Path.of("h.npy")).dataType());
    TensorSpec i64 = TensorSpec.of(0, "i", TensorSpec.Direction.INPUT, DataType.INT64, Shape.of(2));
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> RunCommand.coerce(f, i64, Path.of("i.npy")));
    assertEquals("Input 'i' is int64; i.npy holds float32", e.getMessage());
    assertEquals("model_out_0", RunCommand.fileName("model/out:0"));
  }

  @Test
  void inspectHeaderOnlyNeedsNoGpu(@TempDir Path dir) throws Exception {
    byte[] plan = new byte[64];
    plan[0] = 'f';
    plan[1] = 't';
    plan[2] = 'r';
    plan[3] = 't';
    plan[24] = 10;
    plan[25] = 6;
    plan[26] = 0;
    plan[27] = 26;
    Path p = dir.resolve("m.engine");
    Files.write(p, plan);
    Result r = run("inspect", "--header-only", p.toString());
    assertEquals(0, r.code, r.err);
    assertTrue(r.out.contains("Built by: TensorRT 10.6.0.26"), r.out);
    Path bad = dir.resolve("bad.engine");
    Files.write(bad, "PK not an engine".getBytes());
    Result b = run("inspect", "--header-only", bad.toString());
    assertEquals(1, b.code);
    assertTrue(b.err.contains(bad + ": not a TensorRT plan"), b.err);
  }
}
