package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Digest files and the checks TrtEngine.load makes before any native code runs (no GPU needed). */
class PlanDigestTest {

  // FIPS 180-2's example: SHA-256("abc").
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void checkNamesTheFourStates(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path plan = java.nio.file.Files.write(dir.resolve("p.engine"), new byte[] {1, 2, 3});
    assertEquals(PlanDigest.State.NONE, PlanDigest.check(plan).state());
    String hex = PlanDigest.write(plan);
    PlanDigest.Check ok = PlanDigest.check(plan);
    assertEquals(PlanDigest.State.MATCH, ok.state());
    assertEquals(hex, ok.actual());
    java.nio.file.Files.write(plan, new byte[] {1, 2, 4});
    PlanDigest.Check bad = PlanDigest.check(plan);
    assertEquals(PlanDigest.State.MISMATCH, bad.state());
    assertEquals(hex, bad.recorded());
    java.nio.file.Files.writeString(PlanDigest.digestFile(plan), "not a digest\n");
    PlanDigest.Check malformed = PlanDigest.check(plan);
    assertEquals(PlanDigest.State.MALFORMED, malformed.state());
    org.junit.jupiter.api.Assertions.assertTrue(
        malformed.problem().contains("malformed digest file"), malformed.problem());
  }

  @Test
  void hashesAndWritesTheSha256sumLine(@TempDir Path dir) throws IOException {
    assertEquals(ABC, PlanDigest.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
    Path e = dir.resolve("m.engine");
    Files.writeString(e, "abc");
    assertEquals(ABC, PlanDigest.sha256(e));
    assertEquals(ABC, PlanDigest.write(e));
    Path d = dir.resolve("m.engine.sha256");
    assertEquals(d, PlanDigest.digestFile(e));
    assertEquals(ABC + "  m.engine\n", Files.readString(d));
    assertEquals(Optional.of(ABC), PlanDigest.read(e));
    assertEquals(Optional.empty(), PlanDigest.read(dir.resolve("other.engine")));
    // sha256sum's binary-mode marker and upper case are read too.
    Files.writeString(d, ABC.toUpperCase() + " *m.engine\n");
    assertEquals(Optional.of(ABC), PlanDigest.read(e));
  }

  @Test
  void agreesWithSha256sumWhereInstalled(@TempDir Path dir) throws Exception {
    Path e = dir.resolve("x.plan");
    byte[] data = new byte[100_000];
    new java.util.Random(7).nextBytes(data);
    Files.write(e, data);
    PlanDigest.write(e);
    Process p;
    try {
      p =
          new ProcessBuilder("sha256sum", "-c", "x.plan.sha256")
              .directory(dir.toFile())
              .redirectErrorStream(true)
              .start();
    } catch (IOException notInstalled) {
      org.junit.jupiter.api.Assumptions.abort("sha256sum is not installed");
      return;
    }
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    assertEquals("x.plan: OK\n", out);
  }

  @Test
  void mismatchNamesTheFileAndBothDigests(@TempDir Path dir) throws IOException {
    Path e = dir.resolve("m.engine");
    Files.writeString(e, "abc");
    PlanDigest.write(e);
    Files.writeString(e, "abd");
    String actual = PlanDigest.sha256(e);
    EngineLoadException x = assertThrows(EngineLoadException.class, () -> TrtEngine.load(e));
    assertEquals(e.toString(), x.source());
    assertTrue(
        x.getMessage()
            .startsWith(
                e
                    + ": SHA-256 mismatch: m.engine.sha256 records "
                    + ABC
                    + ", the file's content is "
                    + actual),
        x.getMessage());
  }

  @Test
  void aMatchingDigestHandsOverToThePlanChecks(@TempDir Path dir) throws IOException {
    Path e = dir.resolve("m.engine");
    Files.writeString(e, "abc");
    PlanDigest.write(e);
    // The digest passes, so the next check (the plan header, still no GPU) speaks.
    EngineLoadException x =
        assertThrows(
            EngineLoadException.class,
            () -> TrtEngine.load(e, LoadOptions.defaults().requireDigest(true)));
    assertTrue(x.getMessage().contains("too short to be a TensorRT plan"), x.getMessage());
    Path empty = dir.resolve("empty.engine");
    Files.write(empty, new byte[0]);
    PlanDigest.write(empty);
    x = assertThrows(EngineLoadException.class, () -> TrtEngine.load(empty));
    assertTrue(x.getMessage().contains("the file is empty"), x.getMessage());
  }

  @Test
  void malformedDigestFilesAreRefused(@TempDir Path dir) throws IOException {
    Path e = dir.resolve("m.engine");
    Files.writeString(e, "abc");
    Path d = PlanDigest.digestFile(e);
    String[][] cases = {
      {"", "it is empty"},
      {ABC + "  m.engine\n" + ABC + "  m.engine\n", "more than one digest line"},
      {ABC.substring(1) + "  m.engine\n", "not '<64 hex digits>  m.engine'"},
      {ABC.replace('a', 'g') + "  m.engine\n", "not '<64 hex digits>  m.engine'"},
      {ABC + "m.engine\n", "not '<64 hex digits>  m.engine'"},
      {ABC + "  other.engine\n", "it is for 'other.engine', not 'm.engine'"},
      {"SHA1 (m.engine) = " + ABC + "\n", "not '<64 hex digits>  m.engine'"},
      {"SHA256 (m.engine) = " + ABC.substring(2) + "\n", "not '<64 hex digits>  m.engine'"},
    };
    for (String[] c : cases) {
      Files.writeString(d, c[0]);
      EngineLoadException x =
          assertThrows(EngineLoadException.class, () -> TrtEngine.load(e), c[0]);
      assertTrue(
          x.getMessage().startsWith(e + ": malformed digest file " + d + ": " + c[1]),
          x.getMessage());
    }
    Files.delete(d);
    Files.createDirectory(d);
    IOException io = assertThrows(IOException.class, () -> TrtEngine.load(e));
    assertTrue(io.getMessage().contains(d.toString()), io.getMessage());
  }

  @Test
  void aRequiredDigestMustExist(@TempDir Path dir) throws IOException {
    Path e = dir.resolve("m.engine");
    Files.writeString(e, "abc");
    EngineLoadException x =
        assertThrows(
            EngineLoadException.class,
            () -> TrtEngine.load(e, LoadOptions.defaults().requireDigest(true)));
    assertTrue(
        x.getMessage().startsWith(e + ": no digest file " + PlanDigest.digestFile(e)),
        x.getMessage());
    assertEquals(new LoadOptions(2, true), LoadOptions.defaults().device(2).requireDigest(true));
    assertThrows(IllegalArgumentException.class, () -> LoadOptions.defaults().device(-1));
  }

  @Test
  void fifosAreRefusedWithoutBlocking(@TempDir Path dir) throws Exception {
    Path fifo = dir.resolve("pipe.engine");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(p.waitFor() == 0, "mkfifo failed");
    // Opening a FIFO for reading blocks until a writer comes; the guard only catches a hang.
    assertTimeoutPreemptively(
        Duration.ofSeconds(60),
        () -> {
          IOException a = assertThrows(IOException.class, () -> TrtEngine.load(fifo));
          assertTrue(a.getMessage().contains("not a readable regular file"), a.getMessage());
          IOException b = assertThrows(IOException.class, () -> PlanHeader.read(fifo));
          assertTrue(b.getMessage().contains("not a readable regular file"), b.getMessage());
          Path npy = dir.resolve("pipe.npy");
          Files.move(fifo, npy);
          IOException c = assertThrows(IOException.class, () -> Npy.read(npy));
          assertTrue(c.getMessage().contains(npy.toString()), c.getMessage());
        });
  }
}
