package io.github.trt4j.internal.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void replacesTheWholeFile(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("sub/a.engine");
    AtomicFiles.write(f, new byte[] {1, 2, 3});
    assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(f));
    AtomicFiles.write(f, new byte[] {9});
    assertArrayEquals(new byte[] {9}, Files.readAllBytes(f));
    assertEquals(List.of("a.engine"), names(f.getParent()));
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws IOException {
    Path f = dir.resolve("a.engine");
    Files.write(f, new byte[] {7, 7});
    IOException e =
        assertThrows(
            IOException.class,
            () ->
                AtomicFiles.write(
                    f,
                    out -> {
                      out.write(new byte[4096]);
                      throw new IOException("disk full (simulated)");
                    }));
    assertEquals("disk full (simulated)", e.getMessage());
    assertArrayEquals(new byte[] {7, 7}, Files.readAllBytes(f));
    assertEquals(List.of("a.engine"), names(dir));
    // An unchecked failure in the writer cleans up too.
    assertThrows(
        IllegalStateException.class,
        () ->
            AtomicFiles.write(
                dir.resolve("b.engine"),
                out -> {
                  out.write(1);
                  throw new IllegalStateException("boom");
                }));
    assertEquals(List.of("a.engine"), names(dir));
  }

  @Test
  void refusesToReplaceADirectory(@TempDir Path dir) throws IOException {
    Path d = Files.createDirectory(dir.resolve("x.engine"));
    IOException e = assertThrows(IOException.class, () -> AtomicFiles.write(d, new byte[1]));
    assertEquals("Cannot write " + d + ": it exists and is not a regular file", e.getMessage());
    assertEquals(List.of("x.engine"), names(dir));
  }
}
