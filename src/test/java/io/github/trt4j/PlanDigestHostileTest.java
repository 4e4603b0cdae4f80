package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, classes 6 and 9: a digest file that exists but cannot be read is an error, never "no
 * digest"; every line form GNU {@code sha256sum -c} accepts is read; what {@link PlanDigest#write}
 * writes, {@link PlanDigest#read} reads (and {@code sha256sum -c} accepts).
 */
class PlanDigestHostileTest {

  @TempDir Path dir;

  private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

  @Test
  void aBrokenDigestFileIsAnErrorNeverNoDigest() throws Exception {
    Path e = dir.resolve("m.engine");
    Files.writeString(e, "abc");
    Path d = PlanDigest.digestFile(e);
    Map<String, String> cases = new LinkedHashMap<>();
    cases.put("dangling link", "dangling symbolic link");
    cases.put("self loop", "loop of symbolic links");
    cases.put("two-link loop", "loop of symbolic links");
    cases.put("link into a missing directory", "dangling symbolic link");
    cases.put("directory", "it is a directory");
    cases.put("link to a directory", "it is a directory");
    if (!ROOT) {
      cases.put("unreadable", "permission denied");
    }
    int n = 0;
    for (Map.Entry<String, String> c : cases.entrySet()) {
      clean(d);
      switch (c.getKey()) {
        case "dangling link" -> Files.createSymbolicLink(d, dir.resolve("gone.sha256"));
        case "self loop" -> Files.createSymbolicLink(d, d);
        case "two-link loop" -> {
          Files.createSymbolicLink(d, dir.resolve("other"));
          Files.createSymbolicLink(dir.resolve("other"), d);
        }
        case "link into a missing directory" ->
            Files.createSymbolicLink(d, dir.resolve("no/such/dir/x"));
        case "directory" -> Files.createDirectory(d);
        case "link to a directory" -> {
          Files.createDirectories(dir.resolve("adir"));
          Files.createSymbolicLink(d, dir.resolve("adir"));
        }
        default -> {
          Files.writeString(d, PlanDigest.line(e, PlanDigest.sha256(e)));
          Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("---------"));
        }
      }
      long t0 = System.nanoTime();
      IOException x = assertThrows(IOException.class, () -> PlanDigest.read(e), c.getKey());
      assertTrue(
          x.getMessage().contains(d.toString()) && x.getMessage().contains(c.getValue()),
          c.getKey() + ": " + x.getMessage());
      // The load is refused for the same reason, before any native code.
      IOException y = assertThrows(IOException.class, () -> TrtEngine.load(e), c.getKey());
      assertEquals(x.getMessage(), y.getMessage());
      assertTrue(System.nanoTime() - t0 < 5_000_000_000L);
      n++;
    }
    clean(d);
    assertTrue(PlanDigest.read(e).isEmpty(), "nothing there is still no digest");
    System.out.println("issue16 class 6: " + n + " broken digest files, each a named IOException");
  }

  private void clean(Path d) throws IOException {
    for (Path p : List.of(d, dir.resolve("other"))) {
      if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        Files.delete(p);
      } else {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Whether GNU sha256sum -c, run in {@code dir}, accepts {@code digest}; null when it is absent.
   */
  private Boolean sha256sumAccepts(Path digest) throws Exception {
    Process p;
    try {
      p =
          new ProcessBuilder("sha256sum", "-c", "--status", digest.getFileName().toString())
              .directory(digest.getParent().toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException absent) {
      return null;
    }
    if (!p.waitFor(20, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("sha256sum -c still running at 20 s");
    }
    return p.exitValue() == 0;
  }

  @Test
  void everyLineFormSha256sumReadsIsRead() throws Exception {
    Path e = dir.resolve("m.engine");
    Files.writeString(e, "abc");
    String h = PlanDigest.sha256(e);
    String up = h.toUpperCase(java.util.Locale.ROOT);
    Map<String, String> forms = new LinkedHashMap<>();
    forms.put("text", h + "  m.engine\n");
    forms.put("CRLF", h + "  m.engine\r\n");
    forms.put("no final newline", h + "  m.engine");
    forms.put("binary", h + " *m.engine\n");
    forms.put("one space", h + " m.engine\n");
    forms.put("tab", h + "\tm.engine\n");
    forms.put("tab binary", h + "\t*m.engine\n");
    forms.put("upper case", up + "  m.engine\n");
    forms.put("tagged", "SHA256 (m.engine) = " + h + "\n");
    forms.put("tagged CRLF", "SHA256 (m.engine) = " + h + "\r\n");
    forms.put("tagged no space", "SHA256 (m.engine)= " + h + "\n");
    forms.put("escaped plain name", "\\" + h + "  m.engine\n");
    forms.put("comment lines", "# written by hand\n" + h + "  m.engine\n# end\n");
    forms.put("blank lines", "\n" + h + "  m.engine\n\n");
    int n = 0;
    Path d = PlanDigest.digestFile(e);
    for (Map.Entry<String, String> f : forms.entrySet()) {
      Files.writeString(d, f.getValue());
      Boolean gnu = sha256sumAccepts(d);
      if (gnu != null) {
        assertTrue(gnu, f.getKey() + ": GNU sha256sum -c refuses it, so the case is wrong");
      }
      assertEquals(h, PlanDigest.read(e).orElseThrow(), f.getKey());
      n++;
    }
    System.out.println("issue16 class 9: " + n + " sha256sum line forms read");
  }

  @Test
  void whatWriteWritesReadReadsForAnyName() throws Exception {
    List<String> names =
        List.of(
            "plain.engine",
            "back\\slash.engine",
            "new\nline.engine",
            "carriage\rreturn.engine",
            "both\\n\n.engine",
            "trailing\\",
            "sp ace.engine",
            "*star.engine",
            "ünï©ode.engine",
            "\\\\.engine");
    int n = 0;
    for (String name : names) {
      Path e = dir.resolve(name);
      Files.write(e, name.getBytes(StandardCharsets.UTF_8));
      String h = PlanDigest.write(e);
      assertEquals(h, PlanDigest.read(e).orElseThrow(), name);
      Boolean gnu = sha256sumAccepts(PlanDigest.digestFile(e));
      if (gnu != null) {
        assertTrue(gnu, "GNU sha256sum -c refuses the digest written for '" + name + "'");
      }
      // The escape is not a way to name another file.
      Path other = dir.resolve("x" + n + ".engine");
      Files.writeString(other, "x");
      Files.copy(PlanDigest.digestFile(e), PlanDigest.digestFile(other));
      EngineLoadException wrong =
          assertThrows(EngineLoadException.class, () -> PlanDigest.read(other));
      assertTrue(wrong.getMessage().contains("it is for '"), wrong.getMessage());
      n++;
    }
    Path e = dir.resolve("bad.engine");
    Files.writeString(e, "x");
    Files.writeString(PlanDigest.digestFile(e), "\\" + PlanDigest.sha256(e) + "  bad\\q.engine\n");
    EngineLoadException x = assertThrows(EngineLoadException.class, () -> PlanDigest.read(e));
    assertTrue(x.getMessage().contains("bad escape"), x.getMessage());
    System.out.println("issue16 class 9: " + n + " names round-trip through write and read");
  }
}
