package io.github.trt4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ReliabilityCliTest {

  @Test
  void verifyReportsARefusedPlanAndWritesNoDigest(@TempDir Path dir) throws Exception {
    Path e = Files.writeString(dir.resolve("bad.engine"), "not a plan, just text");
    CliTest.Result r = CliTest.run("verify", e.toString(), "--write-digest", "--timeout", "120");
    assertEquals(1, r.code(), r.out() + r.err());
    assertTrue(r.out().startsWith(e + ": REFUSED: " + e + ": not a TensorRT plan"), r.out());
    assertFalse(Files.exists(dir.resolve("bad.engine.sha256")));
    CliTest.Result t = CliTest.run("verify", e.toString(), "--timeout", "0");
    assertEquals(1, t.code());
    assertTrue(t.err().contains("--timeout must be between 0 and 86400 seconds"), t.err());
    CliTest.Result missing = CliTest.run("verify", dir.resolve("none.engine").toString());
    assertEquals(1, missing.code());
    assertTrue(missing.err().contains("none.engine"), missing.err());
  }

  @Test
  void inspectSaysWhetherTheDigestMatches(@TempDir Path dir) throws Exception {
    byte[] plan = new byte[256];
    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(plan).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, 0x74727466).putLong(16, plan.length).put(24, (byte) 10).put(25, (byte) 6);
    Path e = Files.write(dir.resolve("p.engine"), plan);
    CliTest.Result none = CliTest.run("inspect", "--header-only", e.toString());
    assertEquals(0, none.code(), none.err());
    assertTrue(none.out().contains("Digest:   none (trt4j verify --write-digest"), none.out());
    String sha = io.github.trt4j.PlanDigest.write(e);
    CliTest.Result ok = CliTest.run("inspect", "--header-only", e.toString());
    assertTrue(ok.out().contains("Digest:   sha256 " + sha + " matches p.engine.sha256"), ok.out());
    plan[200] = 1;
    Files.write(e, plan);
    CliTest.Result bad = CliTest.run("inspect", "--header-only", e.toString());
    assertTrue(bad.out().contains("Digest:   MISMATCH: p.engine.sha256 records " + sha), bad.out());
  }

  @Test
  void workspaceMibThatOverflowsIsRefused() {
    assertEquals(1L << 20, BuildCommand.workspaceBytes(1));
    assertEquals(0, BuildCommand.workspaceBytes(0));
    assertEquals((Long.MAX_VALUE >> 20) << 20, BuildCommand.workspaceBytes(Long.MAX_VALUE >> 20));
    var e =
        assertThrows(IllegalArgumentException.class, () -> BuildCommand.workspaceBytes(1L << 44));
    assertEquals(
        "--workspace 17592186044416 MiB is too large: at most 8796093022207 MiB fits in a byte"
            + " count (0 leaves TensorRT's default)",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> BuildCommand.workspaceBytes(-1));
    CliTest.Result r =
        CliTest.run("build", "m.onnx", "-o", "m.engine", "--workspace", "17592186044416");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("is too large"), r.err());
  }

  @Test
  void outputsWhoseNamesSanitizeAlikeGetDistinctFiles() {
    Map<String, String> m =
        RunCommand.fileNames(List.of("a/b", "a:b", "a_b__2", "A_B", "ok", "", ".."));
    assertEquals("a_b", m.get("a/b"));
    assertEquals("a_b__3", m.get("a:b")); // a_b__2 belongs to the output of that name
    assertEquals("a_b__2", m.get("a_b__2"));
    assertEquals("A_B__4", m.get("A_B")); // case-insensitive file systems
    assertEquals("ok", m.get("ok"));
    assertEquals("_", m.get(""));
    assertEquals("___", m.get(".."));
    assertEquals(7, m.values().stream().map(String::toLowerCase).distinct().count());
    // Deterministic: the same names give the same files.
    assertEquals(m, RunCommand.fileNames(List.of("a/b", "a:b", "a_b__2", "A_B", "ok", "", "..")));
  }

  @Test
  void anExceptionWithoutAMessageIsNotPrintedAsNull() {
    CommandLine cl = Main.commandLine();
    Callable<Integer> boom =
        () -> {
          throw new IllegalStateException();
        };
    cl.addSubcommand("boom", CommandLine.Model.CommandSpec.wrapWithoutInspection(boom));
    StringWriter err = new StringWriter();
    cl.setErr(new PrintWriter(err));
    assertEquals(1, cl.execute("boom"));
    assertEquals("trt4j: java.lang.IllegalStateException", err.toString().strip());
  }
}
