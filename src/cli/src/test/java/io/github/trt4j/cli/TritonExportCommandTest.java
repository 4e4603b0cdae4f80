package io.github.trt4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts of {@code triton-export} that run before the engine load (no GPU needed). */
class TritonExportCommandTest {

  @TempDir Path dir;

  @Test
  void helpNamesTheOptions() {
    CliTest.Result top = CliTest.run("--help");
    assertTrue(top.out().contains("triton-export"), top.out());
    CliTest.Result r = CliTest.run("triton-export", "--help");
    assertEquals(0, r.code());
    for (String o :
        new String[] {"--name", "--max-batch-size", "--dynamic-batching", "--instances"}) {
      assertTrue(r.out().contains(o), r.out());
    }
  }

  @Test
  void missingEngineAndBadOptionsFailBeforeLoading() throws Exception {
    CliTest.Result r =
        CliTest.run("triton-export", dir.resolve("none.engine").toString(), dir.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("No engine file"), r.err());
    Path fake = Files.write(dir.resolve("m.engine"), new byte[64]);
    r = CliTest.run("triton-export", fake.toString(), dir.toString(), "--instances", "0");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("instances must be >= 1"), r.err());
    r = CliTest.run("triton-export", fake.toString(), dir.toString(), "--name", "../x");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("one directory name"), r.err());
  }

  @Test
  void defaultNameIsTheFileStem() {
    assertEquals("resnet50", TritonExportCommand.defaultName(Path.of("/a/resnet50.engine")));
    assertEquals("plan", TritonExportCommand.defaultName(Path.of("plan")));
  }
}
