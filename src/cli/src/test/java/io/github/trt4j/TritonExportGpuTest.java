package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.TextFormat;
import io.github.trt4j.cli.Main;
import io.github.trt4j.triton.proto.TritonModelConfig.ModelConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trt4j triton-export} on real engines: the CLI loads them, so this needs a GPU. */
@GpuTest
class TritonExportGpuTest {

  @TempDir Path repo;

  record Run(int code, String out, String err) {}

  static Run cli(String... args) {
    CommandLine cl = Main.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    return new Run(cl.execute(args), out.toString(), err.toString());
  }

  @Test
  void dynamicBatchEngineExportsWithBatchingUpToItsProfileMax() throws Exception {
    Path engine = TestModels.engine("dynamic"); // x: [-1, 16], profile 1x16..16x16; y: [-1, 4]
    Run r =
        cli(
            "triton-export",
            engine.toString(),
            repo.toString(),
            "--name",
            "dyn",
            "--max-batch-size",
            "16",
            "--dynamic-batching",
            "--instances",
            "2");
    assertEquals(0, r.code, r.err);
    ModelConfig.Builder b = ModelConfig.newBuilder();
    TextFormat.getParser().merge(Files.readString(repo.resolve("dyn/config.pbtxt")), b);
    ModelConfig c = b.build();
    assertEquals(16, c.getMaxBatchSize());
    assertEquals("x", c.getInput(0).getName());
    assertEquals(List.of(16L), c.getInput(0).getDimsList());
    assertEquals("y", c.getOutput(0).getName());
    assertEquals(List.of(4L), c.getOutput(0).getDimsList());
    assertTrue(c.hasDynamicBatching());
    assertEquals(2, c.getInstanceGroup(0).getCount());
    assertEquals(Files.size(engine), Files.size(repo.resolve("dyn/1/model.plan")));

    Run tooBig =
        cli(
            "triton-export",
            engine.toString(),
            repo.toString(),
            "--name",
            "dyn17",
            "--max-batch-size",
            "17");
    assertEquals(1, tooBig.code);
    assertTrue(tooBig.err.contains("no optimization profile accepts batch size 17"), tooBig.err);
    assertTrue(Files.notExists(repo.resolve("dyn17")));
  }

  @Test
  void fixedShapeEngineExportsWithoutBatchingAndIsRefusedWithIt() throws Exception {
    Path engine = TestModels.engine("seed");
    Run ok = cli("triton-export", engine.toString(), repo.toString());
    assertEquals(0, ok.code, ok.err);
    String config = Files.readString(repo.resolve("seed/config.pbtxt"));
    assertTrue(config.contains("max_batch_size: 0"), config);
    assertTrue(config.contains("name: \"__eye\""), config);
    Run refused =
        cli(
            "triton-export",
            engine.toString(),
            repo.toString(),
            "--name",
            "b",
            "--max-batch-size",
            "2");
    assertEquals(1, refused.code);
    assertTrue(refused.err.contains("must be the dynamic batch dimension"), refused.err);
    System.out.println(config);
  }
}
