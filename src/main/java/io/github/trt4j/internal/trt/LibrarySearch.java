package io.github.trt4j.internal.trt;

import io.github.trt4j.PlanHeader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where TensorRT's libraries are looked for, and what is said about them: pure functions over paths
 * and versions, so that the order and every message can be tested without a GPU.
 *
 * <p>The order: the directory named by {@code -Dtrt4j.tensorrt.home} or {@code TRT4J_TENSORRT_HOME}
 * (a TensorRT tarball or install prefix; its {@code lib}, {@code lib64} and {@code
 * targets/ARCH-linux/lib} are searched too); then the system's dynamic loader ({@code
 * LD_LIBRARY_PATH}, the ld.so cache: Debian/RPM packages, NGC containers); then NVIDIA's
 * redistributable libraries in bytedeco's {@code tensorrt:...:PLATFORM-redist} jar on the class
 * path. A home that is set but holds no library is an error, never a reason to look elsewhere.
 */
public final class LibrarySearch {

  public static final String HOME_PROPERTY = "trt4j.tensorrt.home";
  public static final String HOME_ENV = "TRT4J_TENSORRT_HOME";

  /** Where a library was found. */
  public enum Source {
    HOME_PROPERTY("-D" + LibrarySearch.HOME_PROPERTY),
    HOME_ENV(LibrarySearch.HOME_ENV),
    SYSTEM("the system's library path"),
    REDIST("the redist jar on the class path");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /** The TensorRT home to use, from the property (first) or the environment; null for none. */
  public record Home(Path dir, Source source) {}

  private LibrarySearch() {}

  /** {@code libnvinfer.so.10} for ("nvinfer", 10). */
  public static String soname(String base, int major) {
    return "lib" + base + ".so." + major;
  }

  public static Home home(String property, String env) {
    if (property != null && !property.isBlank()) {
      return new Home(Path.of(property.trim()), Source.HOME_PROPERTY);
    }
    if (env != null && !env.isBlank()) {
      return new Home(Path.of(env.trim()), Source.HOME_ENV);
    }
    return null;
  }

  /** The directories of a TensorRT home searched for its libraries, in order. */
  public static List<Path> homeDirs(Path home, String arch) {
    List<Path> dirs = new ArrayList<>();
    dirs.add(home);
    dirs.add(home.resolve("lib"));
    dirs.add(home.resolve("lib64"));
    dirs.add(home.resolve("targets").resolve(arch + "-linux").resolve("lib"));
    dirs.add(home.resolve("lib").resolve(arch + "-linux-gnu"));
    return dirs;
  }

  /** The first of {@code dirs} holding {@code file} as a regular file (links followed). */
  public static Optional<Path> find(List<Path> dirs, String file) {
    for (Path d : dirs) {
      Path p = d.resolve(file);
      if (Files.isRegularFile(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** The machine's architecture as TensorRT's directories name it (x86_64, aarch64). */
  public static String arch() {
    String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
    return switch (a) {
      case "amd64", "x86_64" -> "x86_64";
      case "aarch64", "arm64" -> "aarch64";
      default -> a;
    };
  }

  public static String homeWithoutLibrary(Home home, String file, List<Path> searched) {
    return home.source().label()
        + " names "
        + home.dir()
        + ", which holds no "
        + file
        + " (searched "
        + searched
        + "). Point it at a TensorRT installation (the directory"
        + " with lib/"
        + file
        + "), or unset it to use the system's TensorRT or the redist jar.";
  }

  public static String wrongMajor(Path library, int found, int lineMajor, String artifact) {
    return "Found TensorRT "
        + PlanHeader.versionString(found)
        + " at "
        + library
        + ", but this trt4j is"
        + " built for TensorRT "
        + lineMajor
        + " ("
        + artifact
        + "). Use trt4j built for TensorRT "
        + found / 10000
        + (found / 10000 == 11 ? " (the Maven profile -Ptrt11)" : " (the default build)")
        + ", or point "
        + HOME_ENV
        + " at a TensorRT "
        + lineMajor
        + " installation.";
  }

  public static String tooOld(Path library, int found, int minimum) {
    return "Found TensorRT "
        + PlanHeader.versionString(found)
        + " at "
        + library
        + ", older than "
        + PlanHeader.versionString(minimum)
        + ", the oldest this trt4j's JNI glue can drive. Install TensorRT "
        + PlanHeader.versionString(minimum)
        + " or newer of the same major, or point "
        + HOME_ENV
        + " at one.";
  }

  public static String notFound(int major, String redistCoordinates) {
    return "TensorRT "
        + major
        + " not found: no "
        + soname("nvinfer", major)
        + " in "
        + HOME_ENV
        + "/-D"
        + HOME_PROPERTY
        + ", on the system's library path (LD_LIBRARY_PATH,"
        + " ldconfig), or in a redist jar on the class path. Install TensorRT "
        + major
        + " (or set "
        + HOME_ENV
        + " to its directory), or add the Maven dependency "
        + redistCoordinates
        + " (the ./trt4j launcher adds it unless TRT4J_SYSTEM_LIBS=1).";
  }

  /**
   * The message for a plan built by another TensorRT version than the one loaded: both versions,
   * where the library came from, and both fixes.
   */
  public static String planMismatch(
      String planVersion, String libraryVersion, String libraryWhere) {
    return "built with TensorRT "
        + planVersion
        + ", but the TensorRT loaded is "
        + libraryVersion
        + " ("
        + libraryWhere
        + "). Either point trt4j at TensorRT "
        + planVersion
        + " ("
        + HOME_ENV
        + " or -D"
        + HOME_PROPERTY
        + "), or rebuild the engine with TensorRT "
        + libraryVersion
        + " (trt4j build, or trtexec of that version).";
  }
}
