package io.github.trt4j.triton;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.DataType;
import io.github.trt4j.Model;
import io.github.trt4j.Shape;
import io.github.trt4j.TensorSpec;
import io.github.trt4j.TensorSpec.Direction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, class 8: tensor names UTF-8 cannot hold (lone surrogates, as JSON's {@code \ud800}
 * makes them) are refused before anything is written, and an export that fails leaves nothing.
 */
class TritonExportHostileTest {

  @TempDir Path dir;

  private static Model model(String input) {
    return new TritonExportTest.FakeModel(
        "m",
        List.of(
            TensorSpec.of(0, input, Direction.INPUT, DataType.FLOAT, Shape.of(2, 3)),
            TensorSpec.of(1, "y", Direction.OUTPUT, DataType.FLOAT, Shape.of(2, 3))));
  }

  private List<Path> everything(Path repo) throws Exception {
    if (!Files.exists(repo)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(repo)) {
      return s.filter(p -> !p.equals(repo)).toList();
    }
  }

  @Test
  void unencodableNamesAreRefusedBeforeAnythingIsWritten() throws Exception {
    Path plan = new TritonExportTest().planIn(dir, 1000);
    List<String> names =
        List.of(
            "a\ud800b", "a\udc00b", "\udc00\ud800", "end\ud83d", "\udfff", "ok\ud83d\ude00\ud800");
    int n = 0;
    for (String name : names) {
      Path repo = dir.resolve("repo" + n);
      long t0 = System.nanoTime();
      UnservableModelException e =
          assertThrows(
              UnservableModelException.class,
              () -> TritonExport.export(model(name), 1, plan, repo, TritonOptions.named("net")));
      assertTrue(e.getMessage().contains("cannot be written as UTF-8"), e.getMessage());
      assertTrue(
          e.getMessage().contains("\\u"), "the bad character is shown escaped: " + e.getMessage());
      assertEquals(List.of(), everything(repo), name);
      assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
      n++;
    }
    // A proper pair is a character like any other.
    TritonExport.Result r =
        TritonExport.export(
            model("ok\ud83d\ude00"), 1, plan, dir.resolve("fine"), TritonOptions.named("net"));
    assertTrue(Files.readString(r.config()).contains("ok\ud83d\ude00"));
    System.out.println("issue16 class 8: " + n + " unencodable names refused, nothing written");
  }

  @Test
  void aFailedExportLeavesNothingPartial() throws Exception {
    Path plan = new TritonExportTest().planIn(dir, 1000);
    Path repo = dir.resolve("repo");
    // The model's place is taken by a file: refused, the file untouched, no staging left.
    Files.createDirectories(repo);
    Files.writeString(repo.resolve("net"), "not a model");
    assertThrows(
        java.io.IOException.class,
        () -> TritonExport.export(model("x"), 1, plan, repo, TritonOptions.named("net")));
    assertEquals(List.of(repo.resolve("net")), everything(repo));
    // A plan that is a directory: refused before the repository is touched.
    Path other = dir.resolve("other");
    assertThrows(
        java.io.IOException.class,
        () ->
            TritonExport.export(
                model("x"),
                1,
                Files.createDirectory(dir.resolve("p.engine")),
                other,
                TritonOptions.named("net")));
    assertEquals(List.of(), everything(other));
    // A re-export over an existing model replaces its files and leaves no staging directory.
    TritonExport.export(model("x"), 1, plan, other, TritonOptions.named("net"));
    TritonExport.Result r =
        TritonExport.export(model("x"), 1, plan, other, TritonOptions.named("net"));
    assertEquals(List.of("net"), Files.list(other).map(p -> p.getFileName().toString()).toList());
    assertTrue(Files.isRegularFile(r.plan()) && Files.isRegularFile(r.digestFile()));
    System.out.println(
        "issue16 class 8: 2 failing exports leave nothing partial; re-export leaves no staging");
  }
}
