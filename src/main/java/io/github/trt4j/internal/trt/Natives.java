package io.github.trt4j.internal.trt;

import io.github.trt4j.CudaUnavailableException;
import io.github.trt4j.internal.Cuda;
import io.github.trt4j.internal.trt.LibrarySearch.Home;
import io.github.trt4j.internal.trt.LibrarySearch.Source;
import java.io.File;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Loader;
import org.slf4j.LoggerFactory;

/**
 * Loads TensorRT and bytedeco's JNI glue for it, and nothing else: no CUDA toolkit library (CUDA is
 * the driver's, through {@link Cuda}), no JavaCPP CUDA preset.
 *
 * <ol>
 *   <li>libnvinfer is found in the order {@link LibrarySearch} gives (a TensorRT home, the system's
 *       loader, the redist jar), its version read with {@code getInferLibVersion} and checked
 *       against the line (same major, at least the glue's version) before any JNI code runs;
 *   <li>then {@code libjnijavacpp} and {@code libjninvinfer} are loaded with {@link System#load}
 *       and the glue's classes initialized while JavaCPP's own loading is switched off ({@link
 *       #withoutJavaCppLoading}): JavaCPP would otherwise load the CUDA presets TensorRT's preset
 *       inherits (cudart, cuBLAS, cuDNN, NVRTC) and a second libnvinfer. Once a class is
 *       initialized its static initializer never runs again, so the property is switched back at
 *       once and other JavaCPP libraries (OpenCV, FFmpeg) load as usual;
 *   <li>the ONNX parser ({@link #loadParser()}) and the builder resource only when building.
 * </ol>
 */
public final class Natives {

  /** The loaded TensorRT: where it is, where it came from, its version. */
  public record Library(Path path, Source source, int version) {
    public String versionString() {
      return io.github.trt4j.PlanHeader.versionString(version);
    }

    /** E.g. {@code /opt/tensorrt/lib/libnvinfer.so.10 (TRT4J_TENSORRT_HOME)}. */
    public String where() {
      return path + " (" + source.label() + ")";
    }
  }

  private static final Object LOCK = new Object();
  private static volatile Library library;
  private static volatile CudaUnavailableException loadFailure;
  private static volatile boolean parserLoaded;
  private static volatile boolean builderLoaded;
  private static volatile boolean pluginsLoaded;

  /**
   * Nanoseconds of the load's steps: locate (find, open, version), glue (JNI libraries), classes.
   */
  private static final long[] STEP_NANOS = new long[3];

  static final String LOAD_LIBRARIES = "org.bytedeco.javacpp.loadlibraries";
  static final String LOAD_LIBRARIES_CAMEL = "org.bytedeco.javacpp.loadLibraries";

  private Natives() {}

  /** Loads TensorRT and its JNI glue once; the library loaded. */
  public static Library load() {
    Library l = library;
    if (l != null) {
      return l;
    }
    synchronized (LOCK) {
      if (library != null) {
        return library;
      }
      if (loadFailure != null) {
        throw loadFailure;
      }
      try {
        long t0 = System.nanoTime();
        Library found = locate();
        STEP_NANOS[0] = System.nanoTime() - t0;
        loadGlue(found);
        library = found;
        LoggerFactory.getLogger(Natives.class)
            .debug("TensorRT {} from {}", found.versionString(), found.where());
        return found;
      } catch (CudaUnavailableException e) {
        loadFailure = e;
        throw e;
      } catch (UnsatisfiedLinkError | NoClassDefFoundError | ExceptionInInitializerError e) {
        loadFailure =
            new CudaUnavailableException(
                "Cannot load TensorRT's JNI glue (" + Line.GLUE + "): " + describe(e), e);
        throw loadFailure;
      }
    }
  }

  /** Checks the driver and device and loads TensorRT: {@link #begin} then {@link Startup#join}. */
  public static void requireDevice(int device) {
    begin(device).join();
  }

  /**
   * Starts what is not started yet, each on a daemon thread of its own: the driver (binding its
   * functions, cuInit, the primary contexts) and TensorRT (libnvinfer, the JNI glue and its
   * classes). The two are independent and each takes a few hundred milliseconds the first time, so
   * they overlap each other and whatever the caller does until {@link Startup#join()} (reading and
   * hashing a plan).
   *
   * @param device the device {@link Startup#join()} checks
   * @return the start under way; join it before using CUDA or TensorRT
   */
  public static Startup begin(int device) {
    CompletableFuture<Void> driver =
        Cuda.started() ? null : async("trt4j-driver-start", () -> Cuda.requireDevice(device));
    CompletableFuture<Void> trt =
        library != null || loadFailure != null ? null : async("trt4j-tensorrt-load", Natives::load);
    return new Startup(device, driver, trt);
  }

  /** A start {@link #begin} set off. */
  public static final class Startup {
    private final int device;
    private final CompletableFuture<Void> driver;
    private final CompletableFuture<Void> trt;

    private Startup(int device, CompletableFuture<Void> driver, CompletableFuture<Void> trt) {
      this.device = device;
      this.driver = driver;
      this.trt = trt;
    }

    /**
     * Waits for both; a driver problem is reported first, being the more common.
     *
     * @throws CudaUnavailableException naming what is missing
     */
    public void join() {
      await(driver);
      Cuda.requireDevice(device);
      await(trt);
      load();
    }
  }

  private static CompletableFuture<Void> async(String name, Runnable work) {
    CompletableFuture<Void> f = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .name(name)
        .start(
            () -> {
              try {
                work.run();
                f.complete(null);
              } catch (Throwable t) {
                f.completeExceptionally(t);
              }
            });
    return f;
  }

  /** Waits for {@code f}; its failure is rethrown as it was thrown. */
  private static void await(CompletableFuture<Void> f) {
    if (f == null) {
      return;
    }
    try {
      f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error r) {
        throw r;
      }
      throw e;
    }
  }

  /** Whether a CUDA device and TensorRT are usable, without throwing; the reason when not. */
  public static String unavailableReason() {
    try {
      requireDevice(0);
      return null;
    } catch (CudaUnavailableException e) {
      return e.getMessage();
    }
  }

  /** TensorRT's library version as {@code major*10000 + minor*100 + patch}, e.g. 100600. */
  public static int tensorRtVersion() {
    return load().version();
  }

  /**
   * Milliseconds of the load's steps, for benchmarks: finding and opening libnvinfer (with its
   * version check), loading the JNI glue, initializing the glue's classes.
   */
  public static String stepTimes() {
    return String.format(
        java.util.Locale.ROOT,
        "locate_ms=%.1f glue_ms=%.1f classes_ms=%.1f",
        STEP_NANOS[0] / 1e6,
        STEP_NANOS[1] / 1e6,
        STEP_NANOS[2] / 1e6);
  }

  /** The TensorRT major this build of trt4j drives. */
  public static int lineMajor() {
    return Line.MAJOR;
  }

  /** The loaded library, or null when none has been loaded (nothing is loaded by asking). */
  public static Library loaded() {
    return library;
  }

  /** Loads TensorRT's ONNX parser (libnvonnxparser) and its glue, which only building needs. */
  public static void loadParser() {
    Library l = load();
    if (parserLoaded) {
      return;
    }
    synchronized (LOCK) {
      if (parserLoaded) {
        return;
      }
      String file = LibrarySearch.soname("nvonnxparser", Line.MAJOR);
      Path parser = sibling(l, file);
      withoutJavaCppLoading(
          () -> {
            System.load(parser.toString());
            System.load(glue("tensorrt", "jninvonnxparser").toString());
            initialize(GlueClasses.PARSER);
            return null;
          });
      parserLoaded = true;
    }
  }

  /**
   * Loads the builder resource beside libnvinfer when there is one (TensorRT opens it by name when
   * it builds; preloading it lets a home or redist installation work without LD_LIBRARY_PATH).
   * Building without it fails with TensorRT's own message.
   */
  public static void loadBuilderResource() {
    Library l = load();
    if (builderLoaded) {
      return;
    }
    synchronized (LOCK) {
      if (builderLoaded) {
        return;
      }
      for (Path p : builderResources(l)) {
        try {
          System.load(p.toString());
        } catch (UnsatisfiedLinkError e) {
          LoggerFactory.getLogger(Natives.class)
              .warn("Could not preload {}: {}", p, e.getMessage());
        }
      }
      builderLoaded = true;
    }
  }

  /** Loads TensorRT's standard plugin library (libnvinfer_plugin) and its glue. */
  public static Path loadPlugins() {
    Library l = load();
    String file = LibrarySearch.soname("nvinfer_plugin", Line.MAJOR);
    Path plugin = sibling(l, file);
    if (pluginsLoaded) {
      return plugin;
    }
    synchronized (LOCK) {
      if (!pluginsLoaded) {
        withoutJavaCppLoading(
            () -> {
              System.load(plugin.toString());
              System.load(glue("tensorrt", "jninvinfer_plugin").toString());
              initialize(GlueClasses.PLUGIN);
              return null;
            });
        pluginsLoaded = true;
      }
    }
    return plugin;
  }

  // ---- finding libnvinfer ---------------------------------------------------------------------

  private static Library locate() {
    String file = LibrarySearch.soname("nvinfer", Line.MAJOR);
    Home home =
        LibrarySearch.home(
            System.getProperty(LibrarySearch.HOME_PROPERTY), System.getenv(LibrarySearch.HOME_ENV));
    if (home != null) {
      List<Path> dirs = LibrarySearch.homeDirs(home.dir(), LibrarySearch.arch());
      Optional<Path> p = LibrarySearch.find(dirs, file);
      if (p.isEmpty()) {
        // A TensorRT of the other major there is named as such, with its version.
        Optional<Path> other =
            LibrarySearch.find(dirs, LibrarySearch.soname("nvinfer", otherMajor()));
        if (other.isPresent()) {
          Path o = other.get().toAbsolutePath();
          throw new CudaUnavailableException(
              LibrarySearch.wrongMajor(o, version(o), Line.MAJOR, Line.GLUE));
        }
        throw new CudaUnavailableException(LibrarySearch.homeWithoutLibrary(home, file, dirs));
      }
      return checked(p.get().toAbsolutePath(), home.source());
    }
    Path system = fromSystemLoader(file);
    if (system != null) {
      return checked(system, Source.SYSTEM);
    }
    Path redist = fromRedistJar(file);
    if (redist != null) {
      return checked(redist, Source.REDIST);
    }
    // A libnvinfer of another major on the system's path is worth naming.
    Path p = fromSystemLoader(LibrarySearch.soname("nvinfer", otherMajor()));
    if (p != null) {
      throw new CudaUnavailableException(
          LibrarySearch.wrongMajor(p, version(p), Line.MAJOR, Line.GLUE));
    }
    throw new CudaUnavailableException(LibrarySearch.notFound(Line.MAJOR, Line.REDIST));
  }

  /** The TensorRT major this line does not drive (10 or 11). */
  private static int otherMajor() {
    return Line.MAJOR == 10 ? 11 : 10;
  }

  /** Opens libnvinfer, reads its version and checks it against the line. */
  private static Library checked(Path path, Source source) {
    int v = version(path);
    if (v / 10000 != Line.MAJOR) {
      throw new CudaUnavailableException(LibrarySearch.wrongMajor(path, v, Line.MAJOR, Line.GLUE));
    }
    if (v < Line.MINIMUM) {
      throw new CudaUnavailableException(LibrarySearch.tooOld(path, v, Line.MINIMUM));
    }
    return new Library(path, source, v);
  }

  /** {@code getInferLibVersion()} of the library at {@code path}, which stays loaded. */
  static int version(Path path) {
    SymbolLookup lib;
    try {
      lib = SymbolLookup.libraryLookup(path, Arena.global());
    } catch (IllegalArgumentException e) {
      throw new CudaUnavailableException(
          "Cannot load "
              + path
              + ": "
              + e.getMessage()
              + ". Is it a TensorRT library for this machine ("
              + LibrarySearch.arch()
              + ")?",
          e);
    }
    var fn =
        lib.find("getInferLibVersion")
            .orElseThrow(
                () ->
                    new CudaUnavailableException(
                        path + " has no getInferLibVersion: it is not TensorRT's libnvinfer"));
    MethodHandle h =
        Linker.nativeLinker().downcallHandle(fn, FunctionDescriptor.of(ValueLayout.JAVA_INT));
    try {
      return (int) h.invokeExact();
    } catch (Throwable t) {
      throw new CudaUnavailableException("getInferLibVersion failed in " + path + ": " + t, t);
    }
  }

  /** Where the system's dynamic loader finds {@code file}, or null. */
  private static Path fromSystemLoader(String file) {
    try {
      SymbolLookup.libraryLookup(file, Arena.global());
    } catch (IllegalArgumentException notFound) {
      return null;
    }
    return mappedPath(file);
  }

  /** The path of the mapped file named {@code file} in /proc/self/maps (symlinks resolved). */
  private static Path mappedPath(String file) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
        int slash = line.indexOf('/');
        if (slash < 0) {
          continue;
        }
        Path p = Path.of(line.substring(slash).trim());
        String name = p.getFileName().toString();
        if (name.equals(file) || name.startsWith(file + ".")) {
          return p;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    return Path.of(file);
  }

  private static Path fromRedistJar(String file) {
    URL url =
        Natives.class.getClassLoader() == null
            ? null
            : Natives.class.getClassLoader().getResource(resource("tensorrt", file));
    if (url == null) {
      url = ClassLoader.getSystemResource(resource("tensorrt", file));
    }
    return url == null ? null : cache(url);
  }

  private static String resource(String preset, String file) {
    return "org/bytedeco/" + preset + "/" + Loader.getPlatform() + "/" + file;
  }

  private static Path cache(URL url) {
    try {
      File f = Loader.cacheResource(url);
      return f == null ? null : f.toPath().toAbsolutePath();
    } catch (IOException e) {
      throw new CudaUnavailableException(
          "Cannot extract " + url + " into JavaCPP's cache: " + e, e);
    }
  }

  /** A library next to libnvinfer (same directory or the same redist jar). */
  private static Path sibling(Library l, String file) {
    if (l.source() == Source.REDIST) {
      Path p = fromRedistJar(file);
      if (p != null) {
        return p;
      }
    } else {
      Path p = l.path().resolveSibling(file);
      if (Files.isRegularFile(p)) {
        return p;
      }
      if (l.source() == Source.SYSTEM) {
        Path s = fromSystemLoader(file);
        if (s != null) {
          return s;
        }
      }
    }
    throw new CudaUnavailableException(
        "TensorRT "
            + l.versionString()
            + " was loaded from "
            + l.where()
            + ", but "
            + file
            + " is not beside it. Install TensorRT's full runtime"
            + " (with "
            + file
            + ") there.");
  }

  /** The builder resources of the loaded TensorRT's version beside libnvinfer. */
  private static List<Path> builderResources(Library l) {
    List<Path> out = new ArrayList<>();
    String v = l.versionString();
    if (l.source() == Source.REDIST) {
      Path p = fromRedistJar("libnvinfer_builder_resource.so." + v);
      if (p != null) {
        out.add(p);
      }
      return out;
    }
    try (var s = Files.list(l.path().getParent())) {
      s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith("libnvinfer_builder_resource") && n.endsWith(".so." + v);
              })
          .sorted()
          .forEach(out::add);
    } catch (IOException | RuntimeException e) {
      // TensorRT will look itself and say what it misses.
    }
    return out;
  }

  // ---- the JNI glue ---------------------------------------------------------------------------

  private static void loadGlue(Library l) {
    Path javacpp = glue("javacpp", "jnijavacpp");
    Path nvinfer = glue("tensorrt", "jninvinfer");
    withoutJavaCppLoading(
        () -> {
          long t0 = System.nanoTime();
          System.load(javacpp.toString());
          System.load(l.path().toString());
          System.load(nvinfer.toString());
          long t1 = System.nanoTime();
          initialize(GlueClasses.RUNTIME);
          STEP_NANOS[1] = t1 - t0;
          STEP_NANOS[2] = System.nanoTime() - t1;
          return null;
        });
  }

  /** Extracts (once, into JavaCPP's cache) the JNI library {@code lib<name>.so} of a preset. */
  private static Path glue(String preset, String name) {
    String file = System.mapLibraryName(name);
    String res = resource(preset, file);
    ClassLoader cl = Natives.class.getClassLoader();
    URL url = cl == null ? ClassLoader.getSystemResource(res) : cl.getResource(res);
    if (url == null) {
      throw new CudaUnavailableException(
          "bytedeco's JNI glue "
              + file
              + " for "
              + Loader.getPlatform()
              + " is not on the class path: add "
              + Line.GLUE.replace(":" + Line.GLUE.split(":")[2], "")
              + " with classifier "
              + Loader.getPlatform()
              + " ("
              + Line.GLUE
              + ":"
              + Loader.getPlatform()
              + ")");
    }
    return cache(url);
  }

  private static void initialize(List<String> classes) {
    ClassLoader cl = Natives.class.getClassLoader();
    for (String c : classes) {
      try {
        Class.forName(c, true, cl);
      } catch (ClassNotFoundException e) {
        // A class of another line's glue; nothing to initialize.
      }
    }
  }

  /**
   * Runs {@code work} with JavaCPP's loading switched off (both spellings of its property), then
   * puts the properties back as they were. JavaCPP reads them at each {@code Loader.load()}.
   */
  static <T> T withoutJavaCppLoading(Supplier<T> work) {
    synchronized (Loader.class) {
      String was = System.getProperty(LOAD_LIBRARIES);
      String wasCamel = System.getProperty(LOAD_LIBRARIES_CAMEL);
      System.setProperty(LOAD_LIBRARIES, "false");
      System.setProperty(LOAD_LIBRARIES_CAMEL, "false");
      try {
        return work.get();
      } finally {
        restore(LOAD_LIBRARIES, was);
        restore(LOAD_LIBRARIES_CAMEL, wasCamel);
      }
    }
  }

  private static void restore(String key, String value) {
    if (value == null) {
      System.clearProperty(key);
    } else {
      System.setProperty(key, value);
    }
  }

  private static String describe(Throwable e) {
    StringBuilder s = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
      if (c.getMessage() != null) {
        s.append("; ").append(c.getMessage());
      }
    }
    return s.toString();
  }
}
