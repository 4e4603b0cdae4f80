package io.github.trt4j;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Corrupt-plan fuzz for the GPU host (not a unit test; run it as a main class):
 *
 * <ol>
 *   <li>builds the seed engine with {@link EngineBuilder#buildTo} (which writes its digest), then
 *       loads {@code --mutations} mutated copies, each beside the original's digest, in this
 *       process with {@link TrtEngine#load(Path)}: every one must be an {@link EngineLoadException}
 *       (the digest check runs before TensorRT sees a byte);
 *   <li>verifies {@code --verify} body mutations of a digest-less copy with {@link PlanVerifier},
 *       {@code --parallel} at a time, and counts OK / REFUSED / CRASHED / HUNG: this process must
 *       survive them all.
 * </ol>
 *
 * <p>Arguments (all optional): {@code --mutations 1200 --verify 200 --parallel 8 --timeout 20
 * --seed 7 --work DIR --out DIR --plan FILE} ({@code --plan} fuzzes a given file instead of
 * building the seed engine: a dry run of the harness where there is no GPU) (a summary is written
 * to {@code OUT/planfuzz.txt}). Exit status 0 only when every in-process load was an
 * EngineLoadException and the verifies all came back.
 */
public final class PlanFuzz {

  private PlanFuzz() {}

  enum Kind {
    TRUNCATE,
    HEADER_FLIP,
    BODY_BYTES,
    ZEROED_RANGE,
    GARBAGE
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opt = new TreeMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    int mutations = Integer.parseInt(opt.getOrDefault("mutations", "1200"));
    int verifies = Integer.parseInt(opt.getOrDefault("verify", "200"));
    int parallel = Integer.parseInt(opt.getOrDefault("parallel", "8"));
    Duration timeout = Duration.ofSeconds(Long.parseLong(opt.getOrDefault("timeout", "20")));
    Random rnd = new Random(Long.parseLong(opt.getOrDefault("seed", "7")));
    Path work = Files.createDirectories(Path.of(opt.getOrDefault("work", "target/planfuzz")));
    StringBuilder report = new StringBuilder();
    long t0 = System.nanoTime();

    Path seed = work.resolve("seed.engine");
    if (opt.containsKey("plan")) {
      // A dry run of the harness itself, e.g. on a machine without a GPU.
      Files.copy(Path.of(opt.get("plan")), seed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      PlanDigest.write(seed);
    } else {
      EngineBuilder.fromOnnx(TestModels.onnx("seed")).tf32(false).buildTo(seed);
    }
    byte[] plan = Files.readAllBytes(seed);
    String digest = PlanDigest.read(seed).orElseThrow();
    try (TrtEngine e = TrtEngine.load(seed, LoadOptions.defaults().requireDigest(true))) {
      line(
          report,
          "seed engine %s: %d bytes, sha256 %s, %d tensors, TensorRT %s",
          seed,
          plan.length,
          digest,
          e.tensors().size(),
          TrtEngine.tensorRtVersion());
    } catch (CudaUnavailableException | EngineLoadException e) {
      line(
          report,
          "seed engine %s: %d bytes, sha256 %s; does not load here: %s",
          seed,
          plan.length,
          digest,
          e.getMessage());
    }

    // Part 1: digest-carrying mutations, loaded in this process.
    Map<Kind, int[]> loads =
        new TreeMap<>(); // [typed EngineLoadException, other exception, loaded]
    Path m = work.resolve("mutant.engine");
    List<String> unexpected = new ArrayList<>();
    for (int i = 0; i < mutations; i++) {
      Kind kind = Kind.values()[i % Kind.values().length];
      byte[] bad = mutate(plan, kind, rnd);
      Files.write(m, bad);
      PlanDigest.write(m, digest); // the original's digest beside the damaged copy
      int[] c = loads.computeIfAbsent(kind, k -> new int[3]);
      try {
        TrtEngine.load(m).close();
        c[2]++;
        unexpected.add(kind + " #" + i + " loaded");
      } catch (EngineLoadException expected) {
        c[0]++;
      } catch (Throwable t) {
        c[1]++;
        unexpected.add(kind + " #" + i + ": " + t);
      }
      if ((i + 1) % 200 == 0) {
        System.out.printf("load %d/%d%n", i + 1, mutations);
      }
    }
    line(report, "%nin-process loads of damaged plans with the original's digest (%d):", mutations);
    line(
        report,
        "%-14s %8s %22s %16s %8s",
        "kind",
        "count",
        "EngineLoadException",
        "other error",
        "loaded");
    for (Map.Entry<Kind, int[]> e : loads.entrySet()) {
      int[] c = e.getValue();
      line(report, "%-14s %8d %22d %16d %8d", e.getKey(), c[0] + c[1] + c[2], c[0], c[1], c[2]);
    }
    unexpected.stream().limit(20).forEach(s -> line(report, "  unexpected: %s", s));

    // Part 2: digest-less body mutations through the child-JVM verifier.
    Path vdir = Files.createDirectories(work.resolve("verify"));
    Kind[] bodyKinds = {Kind.BODY_BYTES, Kind.ZEROED_RANGE, Kind.HEADER_FLIP};
    ExecutorService pool = Executors.newFixedThreadPool(parallel);
    List<Future<PlanVerifier.Result>> futures = new ArrayList<>();
    List<Kind> kinds = new ArrayList<>();
    AtomicInteger done = new AtomicInteger();
    for (int i = 0; i < verifies; i++) {
      Kind kind = bodyKinds[i % bodyKinds.length];
      Path p = vdir.resolve(String.format("v%04d.engine", i));
      Files.write(p, mutate(plan, kind, rnd));
      kinds.add(kind);
      futures.add(
          pool.submit(
              () -> {
                PlanVerifier.Result r = PlanVerifier.verify(p, timeout);
                int n = done.incrementAndGet();
                if (n % 20 == 0) {
                  System.out.printf("verify %d/%d%n", n, verifies);
                }
                Files.deleteIfExists(p);
                return r;
              }));
    }
    Map<String, Map<PlanVerifier.Status, Integer>> table = new TreeMap<>();
    Map<String, Integer> signals = new TreeMap<>();
    Map<String, Integer> reasons = new TreeMap<>();
    for (int i = 0; i < futures.size(); i++) {
      PlanVerifier.Result r = futures.get(i).get();
      table
          .computeIfAbsent(kinds.get(i).name(), k -> new TreeMap<>())
          .merge(r.status(), 1, Integer::sum);
      if (r.status() == PlanVerifier.Status.CRASHED) {
        signals.merge(
            r.signal() > 0 ? PlanVerifier.signalName(r.signal()) : "no signal", 1, Integer::sum);
      }
      if (r.status() == PlanVerifier.Status.REFUSED) {
        String reason = r.reason().replaceAll("\\d+", "N");
        reasons.merge(reason.length() > 100 ? reason.substring(0, 100) : reason, 1, Integer::sum);
      }
    }
    pool.shutdown();
    line(
        report,
        "%nchild-JVM verifies of digest-less damaged plans (%d, %d at a time, timeout %d s):",
        verifies,
        parallel,
        timeout.toSeconds());
    line(
        report,
        "%-14s %6s %9s %9s %6s %13s",
        "kind",
        "OK",
        "REFUSED",
        "CRASHED",
        "HUNG",
        "UNAVAILABLE");
    for (Map.Entry<String, Map<PlanVerifier.Status, Integer>> e : table.entrySet()) {
      Map<PlanVerifier.Status, Integer> s = e.getValue();
      line(
          report,
          "%-14s %6d %9d %9d %6d %13d",
          e.getKey(),
          s.getOrDefault(PlanVerifier.Status.OK, 0),
          s.getOrDefault(PlanVerifier.Status.REFUSED, 0),
          s.getOrDefault(PlanVerifier.Status.CRASHED, 0),
          s.getOrDefault(PlanVerifier.Status.HUNG, 0),
          s.getOrDefault(PlanVerifier.Status.UNAVAILABLE, 0));
    }
    line(report, "crash signals: %s", signals);
    reasons.entrySet().stream()
        .sorted((a, b) -> b.getValue() - a.getValue())
        .limit(8)
        .forEach(e -> line(report, "  refused %4d: %s", e.getValue(), e.getKey()));
    line(
        report,
        "%nparent alive (pid %d) after %.0f s",
        ProcessHandle.current().pid(),
        (System.nanoTime() - t0) / 1e9);
    if (opt.containsKey("out")) {
      Path out = Files.createDirectories(Path.of(opt.get("out"))).resolve("planfuzz.txt");
      Files.writeString(out, report);
    }
    boolean pass = unexpected.isEmpty();
    System.out.println(
        pass ? "PASS" : "FAIL: " + unexpected.size() + " damaged plans were not refused");
    System.exit(pass ? 0 : 1);
  }

  /** A damaged copy of {@code plan} that differs from it in at least one byte. */
  static byte[] mutate(byte[] plan, Kind kind, Random rnd) {
    byte[] b = plan.clone();
    int n = plan.length;
    int body = Math.min(4096, n / 2);
    switch (kind) {
      case TRUNCATE -> {
        return java.util.Arrays.copyOf(plan, rnd.nextInt(n));
      }
      case HEADER_FLIP -> {
        for (int k = 1 + rnd.nextInt(3); k > 0; k--) {
          int at = rnd.nextInt(Math.min(4096, n));
          b[at] ^= (byte) (1 << rnd.nextInt(8));
        }
      }
      case BODY_BYTES -> {
        for (int k = 1 + rnd.nextInt(16); k > 0; k--) {
          b[body + rnd.nextInt(n - body)] = (byte) rnd.nextInt(256);
        }
      }
      case ZEROED_RANGE -> {
        int len = 1 + rnd.nextInt(Math.min(65536, n - body));
        int at = body + rnd.nextInt(n - body - len + 1);
        java.util.Arrays.fill(b, at, at + len, (byte) 0);
      }
      case GARBAGE -> {
        byte[] g = new byte[rnd.nextBoolean() ? n : 1 + rnd.nextInt(n)];
        rnd.nextBytes(g);
        return g;
      }
      default -> throw new IllegalArgumentException(kind.toString());
    }
    if (java.util.Arrays.equals(b, plan)) {
      b[body + rnd.nextInt(n - body)] ^= 1; // a random byte can equal the one it replaced
    }
    return b;
  }

  private static void line(StringBuilder report, String format, Object... args) {
    String s = String.format(format, args);
    PrintStream out = System.out;
    out.println(s);
    report.append(s).append('\n');
  }
}
