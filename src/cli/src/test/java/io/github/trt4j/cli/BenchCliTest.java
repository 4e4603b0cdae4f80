package io.github.trt4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.Shape;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** bench's argument parsing, its summary and the ONNX engine cache key, without a GPU. */
class BenchCliTest {

  @Test
  void benchTakesTrtexecFlags() {
    BenchCommand b = new BenchCommand();
    new CommandLine(b)
        .parseArgs(
            "m.engine",
            "--warmUp",
            "500",
            "--duration",
            "10",
            "--iterations",
            "100",
            "--percentile",
            "50,99.9",
            "--infStreams",
            "4",
            "--useCudaGraph",
            "--noDataTransfers",
            "--shapes",
            "x:7x16,y:1x3",
            "--exportTimes",
            "t.json");
    assertEquals(500, b.warmUpMs);
    assertEquals(10.0, b.durationS);
    assertEquals(100, b.iterations);
    assertEquals(4, b.streams);
    assertTrue(b.cudaGraph && b.noDataTransfers);
    assertEquals(List.of("x:7x16", "y:1x3"), b.shapes);
    assertEquals(List.of(50.0, 99.9), BenchStats.parsePercentiles(b.percentile));
    assertEquals(Path.of("t.json"), b.exportTimes);
  }

  @Test
  void badPercentilesAndShapesAreNamed() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> BenchStats.parsePercentiles("90,abc"));
    assertEquals("--percentile 'abc' is not a number", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> BenchStats.parsePercentiles("0"));
    assertEquals("--percentile 0 is outside (0, 100]", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> EngineSource.parseShapes(List.of("x7x16")));
    assertEquals("--shapes entry 'x7x16' is not NAME:DIMS (e.g. x:7x16)", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class, () -> EngineSource.parseShapes(List.of("x:-1x16")));
    assertEquals("--shapes entry 'x:-1x16' needs concrete dimensions", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> EngineSource.parseShapes(List.of("x:1x2", "x:3x4")));
    assertEquals("--shapes names input 'x' twice", e.getMessage());
    assertEquals(Map.of("a:b", Shape.of(2, 3)), EngineSource.parseShapes(List.of("a:b:2x3")));
  }

  @Test
  void summaryHasTrtexecsLinesAndNearestRankPercentiles() {
    double[] lat = new double[100];
    for (int i = 0; i < 100; i++) {
      lat[i] = 100 - i; // 100 .. 1 ms, unsorted on purpose
    }
    BenchStats.Series latency = new BenchStats.Series("Latency", lat);
    assertEquals(1.0, latency.min());
    assertEquals(100.0, latency.max());
    assertEquals(50.5, latency.mean(), 1e-12);
    assertEquals(50.0, latency.percentile(50));
    assertEquals(99.0, latency.percentile(99));
    assertEquals(100.0, latency.percentile(100));
    String s =
        BenchStats.summary(
            400,
            2.0,
            latency,
            new BenchStats.Series("Enqueue Time", new double[] {0.01, 0.02}),
            new BenchStats.Series("H2D Latency", new double[] {-1, -1}),
            new BenchStats.Series("GPU Compute Time", new double[] {1, 3}),
            new BenchStats.Series("D2H Latency", new double[] {0.5}),
            List.of(90.0, 99.0));
    List<String> lines = s.lines().toList();
    assertEquals("=== Performance summary ===", lines.get(0));
    assertEquals("Throughput: 200.00 qps", lines.get(1));
    assertEquals(
        "Latency: min = 1.00000 ms, max = 100.00000 ms, mean = 50.50000 ms, median = 50.00000 ms,"
            + " percentile(90%) = 90.00000 ms, percentile(99%) = 99.00000 ms",
        lines.get(2));
    assertEquals("H2D Latency: not measured", lines.get(4));
    assertEquals("Total Host Walltime: 2.00000 s", lines.get(7));
    assertEquals("Total GPU Compute Time: 0.00400 s", lines.get(8));
  }

  @Test
  void onnxModelsAreRecognizedByTheirSuffix() {
    assertTrue(EngineSource.isOnnx(Path.of("A.ONNX")));
    assertTrue(!EngineSource.isOnnx(Path.of("a.engine")));
  }

  @Test
  void benchHelpNamesTheFlags() {
    StringWriter w = new StringWriter();
    CommandLine cl = io.github.trt4j.cli.Main.commandLine();
    cl.setOut(new PrintWriter(w));
    assertEquals(0, cl.execute("bench", "--help"));
    for (String flag :
        List.of(
            "--warmUp",
            "--duration",
            "--iterations",
            "--percentile",
            "--infStreams",
            "--useCudaGraph",
            "--noDataTransfers",
            "--shapes",
            "--exportTimes")) {
      assertTrue(w.toString().contains(flag), flag);
    }
  }
}
