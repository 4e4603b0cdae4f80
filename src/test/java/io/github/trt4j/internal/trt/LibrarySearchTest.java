package io.github.trt4j.internal.trt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.trt.LibrarySearch.Source;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where TensorRT is looked for and what is said about it, as pure functions. */
class LibrarySearchTest {

  @Test
  void propertyBeatsEnvironmentAndBlankMeansUnset() {
    assertEquals(
        new LibrarySearch.Home(Path.of("/a"), Source.HOME_PROPERTY),
        LibrarySearch.home("/a", "/b"));
    assertEquals(
        new LibrarySearch.Home(Path.of("/b"), Source.HOME_ENV), LibrarySearch.home(" ", "/b"));
    assertNull(LibrarySearch.home(null, ""));
    assertNull(LibrarySearch.home(null, null));
  }

  @Test
  void homeLayoutsAreSearchedInOrder(@TempDir Path dir) throws IOException {
    String file = LibrarySearch.soname("nvinfer", 10);
    assertEquals("libnvinfer.so.10", file);
    List<Path> dirs = LibrarySearch.homeDirs(dir, "x86_64");
    assertEquals(
        List.of(
            dir,
            dir.resolve("lib"),
            dir.resolve("lib64"),
            dir.resolve("targets/x86_64-linux/lib"),
            dir.resolve("lib/x86_64-linux-gnu")),
        dirs);
    assertTrue(LibrarySearch.find(dirs, file).isEmpty());
    // A tarball layout (TensorRT-10.x/targets/x86_64-linux/lib) and a prefix layout (lib/).
    Path targets = Files.createDirectories(dir.resolve("targets/x86_64-linux/lib"));
    Files.write(targets.resolve(file), new byte[1]);
    assertEquals(targets.resolve(file), LibrarySearch.find(dirs, file).orElseThrow());
    Path lib = Files.createDirectories(dir.resolve("lib"));
    Files.write(lib.resolve(file), new byte[1]);
    assertEquals(lib.resolve(file), LibrarySearch.find(dirs, file).orElseThrow());
    // A directory of that name is not a library.
    Files.createDirectories(dir.resolve(file));
    assertEquals(lib.resolve(file), LibrarySearch.find(dirs, file).orElseThrow());
  }

  @Test
  void messagesNameWhatWasFoundWhatIsNeededAndTheFix() {
    Path p = Path.of("/opt/trt/lib/libnvinfer.so.11");
    String m = LibrarySearch.wrongMajor(p, 110400, 10, "org.bytedeco:tensorrt:10.6-1.5.11");
    assertEquals(
        "Found TensorRT 11.4.0 at /opt/trt/lib/libnvinfer.so.11, but this trt4j is built"
            + " for TensorRT 10 (org.bytedeco:tensorrt:10.6-1.5.11). Use trt4j built for"
            + " TensorRT 11 (the Maven profile -Ptrt11), or point TRT4J_TENSORRT_HOME at a"
            + " TensorRT 10 installation.",
        m);
    m = LibrarySearch.tooOld(Path.of("/x/libnvinfer.so.10"), 100300, 100600);
    assertTrue(m.startsWith("Found TensorRT 10.3.0 at /x/libnvinfer.so.10, older than 10.6.0"), m);
    m = LibrarySearch.notFound(10, "org.bytedeco:tensorrt:10.6-1.5.11:linux-x86_64-redist");
    assertTrue(
        m.startsWith("TensorRT 10 not found: no libnvinfer.so.10 in TRT4J_TENSORRT_HOME"), m);
    assertTrue(
        m.endsWith(
            "add the Maven dependency org.bytedeco:tensorrt:10.6-1.5.11:linux-x86_64-redist"
                + " (the ./trt4j launcher adds it unless TRT4J_SYSTEM_LIBS=1)."),
        m);
    m =
        LibrarySearch.homeWithoutLibrary(
            new LibrarySearch.Home(Path.of("/empty"), Source.HOME_ENV),
            "libnvinfer.so.10",
            List.of(Path.of("/empty")));
    assertTrue(
        m.startsWith("TRT4J_TENSORRT_HOME names /empty, which holds no libnvinfer.so.10"), m);
    m =
        LibrarySearch.planMismatch(
            "10.8.0", "10.6.0", "/r/libnvinfer.so.10 (the redist jar on the class path)");
    assertEquals(
        "built with TensorRT 10.8.0, but the TensorRT loaded is 10.6.0 (/r/libnvinfer.so.10"
            + " (the redist jar on the class path)). Either point trt4j at TensorRT 10.8.0"
            + " (TRT4J_TENSORRT_HOME or -Dtrt4j.tensorrt.home), or rebuild the engine with TensorRT"
            + " 10.6.0 (trt4j build, or trtexec of that version).",
        m);
    assertEquals("10.16.1", io.github.trt4j.PlanHeader.versionString(101601));
    assertEquals("11.2.1", io.github.trt4j.PlanHeader.versionString(110201));
  }

  @Test
  void aNonLibraryIsRefusedByName(@TempDir Path dir) throws IOException {
    Path fake = Files.writeString(dir.resolve("libnvinfer.so.10"), "not an ELF file");
    var e =
        org.junit.jupiter.api.Assertions.assertThrows(
            io.github.trt4j.CudaUnavailableException.class, () -> Natives.version(fake));
    assertTrue(e.getMessage().startsWith("Cannot load " + fake), e.getMessage());
  }
}
