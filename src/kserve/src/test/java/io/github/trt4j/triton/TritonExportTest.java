package io.github.trt4j.triton;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.DataType;
import io.github.trt4j.EngineLoadException;
import io.github.trt4j.Model;
import io.github.trt4j.Shape;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TritonExportTest {

  @TempDir Path dir;

  record FakeModel(String name, List<TensorSpec> tensors) implements Model {}

  static final Model MODEL =
      new FakeModel(
          "m",
          List.of(
              TensorSpec.of(0, "x", Direction.INPUT, DataType.FLOAT, Shape.of(2, 3)),
              TensorSpec.of(1, "y", Direction.OUTPUT, DataType.FLOAT, Shape.of(2, 3))));

  /** A TensorRT-10-shaped plan: tag, declared size, version 10.6; random body. */
  Path plan(int bytes) throws Exception {
    return planIn(dir, bytes);
  }

  Path planIn(Path dir, int bytes) throws Exception {
    byte[] b = new byte[bytes];
    new Random(7).nextBytes(b);
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    b[0] = 'f';
    b[1] = 't';
    b[2] = 'r';
    b[3] = 't';
    bb.putLong(16, bytes);
    b[24] = 10;
    b[25] = 6;
    b[26] = 0;
    b[27] = 26;
    Path p = dir.resolve("x.engine");
    Files.write(p, b);
    return p;
  }

  @Test
  void writesTheRepositoryLayoutWithAVerifiableDigest() throws Exception {
    Path plan = plan(300_001);
    Path repo = dir.resolve("repo");
    TritonExport.Result r = TritonExport.export(MODEL, 1, plan, repo, TritonOptions.named("net"));
    assertEquals(repo.resolve("net/config.pbtxt"), r.config());
    assertEquals(repo.resolve("net/1/model.plan"), r.plan());
    assertArrayEquals(Files.readAllBytes(plan), Files.readAllBytes(r.plan()));
    String line = Files.readString(r.digestFile());
    assertEquals(r.sha256() + "  model.plan\n", line);
    assertEquals(64, r.sha256().length());
    // No temporary files are left behind.
    try (Stream<Path> s = Files.walk(repo)) {
      assertEquals(List.of(), s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList());
    }
    // The independent check: coreutils' sha256sum -c, when the machine has it.
    Path sha256sum = Path.of("/usr/bin/sha256sum");
    if (Files.isExecutable(sha256sum)) {
      Process p =
          new ProcessBuilder(sha256sum.toString(), "-c", "model.plan.sha256")
              .directory(r.plan().getParent().toFile())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes());
      assertTrue(p.waitFor(30, TimeUnit.SECONDS));
      assertEquals(0, p.exitValue(), out);
      assertEquals("model.plan: OK", out.strip());
    }
    assertTrue(Files.readString(r.config()).contains("name: \"net\""));
  }

  @Test
  void reExportReplacesThePlan() throws Exception {
    Path repo = dir.resolve("repo");
    TritonExport.export(MODEL, 1, plan(1000), repo, TritonOptions.named("net"));
    TritonExport.Result r =
        TritonExport.export(MODEL, 1, plan(2000), repo, TritonOptions.named("net"));
    assertEquals(2000, Files.size(r.plan()));
  }

  @Test
  void refusesBeforeWritingAnything() throws Exception {
    Path plan = plan(1000);
    Path repo = dir.resolve("repo");
    assertThrows(
        UnservableModelException.class,
        () ->
            TritonExport.export(
                MODEL, 1, plan, repo, TritonOptions.named("net").withMaxBatchSize(4)));
    assertFalse(Files.exists(repo));
    Path notAPlan = dir.resolve("model.onnx");
    Files.write(notAPlan, new byte[100]);
    var e =
        assertThrows(
            EngineLoadException.class,
            () -> TritonExport.export(MODEL, 1, notAPlan, repo, TritonOptions.named("net")));
    assertTrue(e.getMessage().contains("model.onnx"), e.getMessage());
    assertFalse(Files.exists(repo));
  }
}
