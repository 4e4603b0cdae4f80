package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code trt4j verify --write-digest}: a good plan runs in a child JVM, then gets its digest. */
@GpuTest
class VerifyCommandGpuTest {

  @Test
  void verifyRunsAGoodPlanInAChildAndWritesItsDigest(@TempDir Path dir) throws Exception {
    Path copy = Files.copy(TestModels.engine("dynamic"), dir.resolve("dynamic.engine"));
    CommandLine cli = io.github.trt4j.cli.Main.commandLine();
    StringWriter out = new StringWriter();
    cli.setOut(new PrintWriter(out));
    assertEquals(0, cli.execute("verify", copy.toString(), "--write-digest"), out.toString());
    assertEquals(PlanDigest.sha256(copy), PlanDigest.read(copy).orElseThrow());
  }
}
