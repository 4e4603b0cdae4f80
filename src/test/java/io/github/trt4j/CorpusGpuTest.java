package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real-model corpus of issue 14 ({@code scripts/corpus/make_corpus.py}: ResNet-50 FP32 and
 * FP16, a detector ending in ONNX NonMaxSuppression, the same detector with EfficientNMS_TRT and
 * without NMS, a BERT encoder in FP16): every entry is built with {@link EngineBuilder} (reused
 * when {@code ENGINES/NAME.engine} exists), and every case run through {@link Inferer#run(Map)} and
 * through one {@link IoBinding} (cases in order, then reversed, so data-dependent outputs grow and
 * shrink on one binding) equals its reference as corpus.json says (the checks of {@code
 * scripts/corpus/compare.py}). The NonMaxSuppression detector also runs under an {@link
 * InfererPool} of 8 threads, bit-identical to one thread.
 *
 * <p>Runs only where {@code -Dtrt4j.corpus} or {@code TRT4J_CORPUS} names a directory holding
 * corpus.json (made on the GPU host: {@code scripts/gpu/corpus.sh}); elsewhere it is skipped with
 * that reason. Prints {@code corpus key=value} lines (build times, errors against the reference).
 */
@GpuTest
@ExtendWith(CorpusGpuTest.CorpusPresent.class)
class CorpusGpuTest {

  /** Skips the class, saying why, unless the corpus directory holds corpus.json. */
  static final class CorpusPresent implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Path d = corpusDir();
      if (d == null) {
        return ConditionEvaluationResult.disabled(
            "No corpus: set -Dtrt4j.corpus or TRT4J_CORPUS to a directory made by"
                + " scripts/corpus/make_corpus.py (scripts/gpu/corpus.sh does)");
      }
      if (!Files.isRegularFile(d.resolve("corpus.json"))) {
        return ConditionEvaluationResult.disabled("No corpus.json in " + d);
      }
      return ConditionEvaluationResult.enabled("corpus in " + d);
    }
  }

  static Path corpusDir() {
    String p = System.getProperty("trt4j.corpus");
    if (p == null || p.isBlank()) {
      p = System.getenv("TRT4J_CORPUS");
    }
    return p == null || p.isBlank() ? null : Path.of(p).toAbsolutePath();
  }

  private static Map<String, Object> corpus;
  private static final Map<String, Path> ENGINES = new HashMap<>();

  @SuppressWarnings("unchecked")
  static synchronized Map<String, Object> corpus() throws IOException {
    if (corpus == null) {
      corpus =
          (Map<String, Object>)
              TestJson.parse(Files.readString(corpusDir().resolve("corpus.json")));
    }
    return corpus;
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> models() throws IOException {
    return (List<Map<String, Object>>) corpus().get("models");
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> list(Map<String, Object> m, String key) {
    return (List<Map<String, Object>>) m.get(key);
  }

  static String str(Map<String, Object> m, String key) {
    return (String) m.get(key);
  }

  static boolean bool(Map<String, Object> m, String key) {
    return Boolean.TRUE.equals(m.get(key));
  }

  static double num(Map<String, Object> m, String key, double dflt) {
    Object v = m.get(key);
    return v == null ? dflt : ((Number) v).doubleValue();
  }

  @SuppressWarnings("unchecked")
  static Shape shape(Object dims) {
    return Shape.of(
        ((List<Object>) dims).stream().mapToLong(d -> ((Number) d).longValue()).toArray());
  }

  static void say(String fmt, Object... args) {
    System.out.println("corpus " + String.format(Locale.ROOT, fmt, args));
  }

  /** Where the API's engines go: ENGINES under the corpus, or a temporary directory. */
  static Path engineDir() throws IOException {
    Path d = corpusDir().resolve("engines-api");
    try {
      Files.createDirectories(d);
      if (Files.isWritable(d)) {
        return d;
      }
    } catch (IOException notWritable) {
      // Fall through to a temporary directory.
    }
    return Files.createTempDirectory("trt4j-corpus");
  }

  /** The entry's plan: built once with EngineBuilder (and kept), or reused when present. */
  static synchronized Path engine(Map<String, Object> m) throws IOException {
    String name = str(m, "name");
    Path e = ENGINES.get(name);
    if (e != null) {
      return e;
    }
    e = engineDir().resolve(name + ".engine");
    if (Files.isRegularFile(e) && !Boolean.getBoolean("trt4j.corpus.rebuild")) {
      say("model=%s api_build=reused engine=%s", name, e);
    } else {
      EngineBuilder b =
          EngineBuilder.fromOnnx(corpusDir().resolve(str(m, "onnx")))
              .fp16(bool(m, "fp16"))
              .tf32(bool(m, "tf32"))
              .standardPlugins(bool(m, "plugins"))
              .timingCache(corpusDir().resolve("corpus.timing"));
      Map<String, ShapeRange> ranges = new LinkedHashMap<>();
      for (Map<String, Object> in : list(m, "inputs")) {
        if (shape(in.get("shape")).isDynamic()) {
          ranges.put(
              str(in, "name"),
              new ShapeRange(shape(in.get("min")), shape(in.get("opt")), shape(in.get("max"))));
        }
      }
      if (!ranges.isEmpty()) {
        b.profile(ranges);
      }
      long t0 = System.nanoTime();
      long bytes = b.buildTo(e);
      say(
          "model=%s api_build_s=%.1f plan_bytes=%d fp16=%s tf32=%s plugins=%s",
          name,
          (System.nanoTime() - t0) / 1e9,
          bytes,
          bool(m, "fp16"),
          bool(m, "tf32"),
          bool(m, "plugins"));
    }
    ENGINES.put(name, e);
    return e;
  }

  static TrtEngine load(Map<String, Object> m) throws IOException {
    return TrtEngine.load(engine(m), LoadOptions.defaults().standardPlugins(bool(m, "plugins")));
  }

  /** A case's inputs, each in the engine's data type (int64 ids stay int64 where it takes them). */
  static Map<String, Tensor> inputs(TrtEngine e, Map<String, Object> c) throws IOException {
    Map<String, Tensor> raw = Npy.readNpz(corpusDir().resolve(str(c, "in")));
    Map<String, Tensor> in = new LinkedHashMap<>();
    for (TensorSpec s : e.inputs()) {
      Tensor t = raw.get(s.name());
      if (t == null) {
        throw new IllegalStateException(str(c, "in") + " has no input '" + s.name() + "'");
      }
      in.put(s.name(), coerce(t, s.dataType()));
    }
    return in;
  }

  static Tensor coerce(Tensor t, DataType type) {
    if (t.dataType() == type) {
      return t;
    }
    if (type == DataType.INT32 && t.dataType() == DataType.INT64) {
      long[] l = t.longs();
      int[] a = new int[l.length];
      for (int i = 0; i < l.length; i++) {
        a[i] = Math.toIntExact(l[i]);
      }
      return Tensor.ofInts(t.shape(), a);
    }
    return Tensor.fromFloats(type, t.shape(), t.toFloats());
  }

  @TestFactory
  Stream<DynamicTest> everyEntryEqualsItsReference() throws IOException {
    return models().stream()
        .map(m -> DynamicTest.dynamicTest(str(m, "name"), () -> entryEqualsReference(m)));
  }

  void entryEqualsReference(Map<String, Object> m) throws IOException {
    String name = str(m, "name");
    try (TrtEngine e = load(m);
        Inferer inf = e.createInferer()) {
      System.out.print(e.describe());
      for (Map<String, Object> o : list(m, "outputs")) {
        if (bool(o, "dds")) {
          assertTrue(
              e.tensor(str(o, "name")).shape().isDynamic(),
              name
                  + ": data-dependent output "
                  + str(o, "name")
                  + " has shape "
                  + e.tensor(str(o, "name")).shape());
        }
      }
      List<Map<String, Object>> cases = list(m, "cases");
      List<String> failures = new ArrayList<>();
      for (Map<String, Object> c : cases) {
        Map<String, Tensor> in = inputs(e, c);
        Map<String, Tensor> ref = Npy.readNpz(corpusDir().resolve(str(c, "ref")));
        long t0 = System.nanoTime();
        Map<String, Tensor> out = inf.run(in);
        say(
            "model=%s case=%s path=map first_call_ms=%.2f",
            name, str(c, "name"), (System.nanoTime() - t0) / 1e6);
        failures.addAll(check(m, str(c, "name") + " map", out, ref));
      }
      try (IoBinding b = inf.createBinding()) {
        List<Map<String, Object>> order = new ArrayList<>(cases);
        List<Map<String, Object>> reversed = new ArrayList<>(cases);
        java.util.Collections.reverse(reversed);
        order.addAll(reversed);
        for (Map<String, Object> c : order) {
          Map<String, Tensor> ref = Npy.readNpz(corpusDir().resolve(str(c, "ref")));
          Map<String, Tensor> out = runBinding(e, inf, b, inputs(e, c));
          failures.addAll(check(m, str(c, "name") + " binding", out, ref));
        }
      }
      if (!failures.isEmpty()) {
        fail(name + ": " + failures.size() + " check(s) off:\n  " + String.join("\n  ", failures));
      }
    }
  }

  /** One run on the binding: input shapes set, host inputs filled in place, outputs read back. */
  static Map<String, Tensor> runBinding(
      TrtEngine e, Inferer inf, IoBinding b, Map<String, Tensor> in) {
    for (TensorSpec s : e.inputs()) {
      Tensor t = in.get(s.name());
      if (s.shape().isDynamic()) {
        b.shape(s.name(), t.shape());
      }
      b.input(s.name()).copyFrom(t);
    }
    inf.run(b);
    Map<String, Tensor> out = new LinkedHashMap<>();
    for (TensorSpec s : e.outputs()) {
      HostTensor h = b.output(s.name());
      assertEquals(b.shape(s.name()), h.shape(), s.name() + ": binding shape vs host tensor");
      assertTrue(h.capacity() >= h.byteSize(), s.name() + ": capacity below the data");
      out.put(s.name(), h.toTensor());
    }
    return out;
  }

  // ------------------------------------------------------------------ checks (as compare.py)

  /** Every check of model m on one run; returns the failures (empty when all pass). */
  static List<String> check(
      Map<String, Object> m, String what, Map<String, Tensor> out, Map<String, Tensor> ref) {
    List<String> bad = new ArrayList<>();
    for (Map<String, Object> chk : list(m, "checks")) {
      String kind = str(chk, "kind");
      String r =
          switch (kind) {
            case "allclose" ->
                allclose(
                    str(chk, "output"),
                    chk,
                    get(out, str(chk, "output")),
                    get(ref, str(chk, "output")));
            case "nms_set" -> nmsSet(chk, out, ref);
            case "detections" -> detections(chk, out, ref);
            default -> "unknown check kind " + kind;
          };
      boolean ok = r.startsWith("ok");
      say("model=%s case=%s check=%s %s", str(m, "name"), what.replace(' ', ':'), kind, r);
      if (!ok) {
        bad.add(what + " " + kind + ": " + r);
      }
    }
    return bad;
  }

  static Tensor get(Map<String, Tensor> m, String name) {
    Tensor t = m.get(name);
    if (t == null) {
      throw new IllegalStateException("no tensor '" + name + "' among " + m.keySet());
    }
    return t;
  }

  static double[] values(Tensor t) {
    int n = t.size();
    double[] d = new double[n];
    switch (t.array()) {
      case float[] f -> {
        for (int i = 0; i < n; i++) {
          d[i] = f[i];
        }
      }
      case int[] a -> {
        for (int i = 0; i < n; i++) {
          d[i] = a[i];
        }
      }
      case long[] a -> {
        for (int i = 0; i < n; i++) {
          d[i] = a[i];
        }
      }
      default -> {
        float[] f = t.toFloats();
        for (int i = 0; i < n; i++) {
          d[i] = f[i];
        }
      }
    }
    return d;
  }

  static long[] longs(Tensor t) {
    return switch (t.array()) {
      case long[] a -> a;
      case int[] a -> Arrays.stream(a).asLongStream().toArray();
      default -> throw new IllegalStateException(t + " is not an index tensor");
    };
  }

  /** "ok ..." or the reason, with max_abs, range, rel_to_range and cosine. */
  static String allclose(String name, Map<String, Object> chk, Tensor got, Tensor want) {
    if (got.size() != want.size()) {
      return "off: " + name + " shape " + got.shape() + " vs reference " + want.shape();
    }
    return allclose(name, chk, values(got), values(want));
  }

  static String allclose(String name, Map<String, Object> chk, double[] g, double[] w) {
    double range = 0;
    for (double v : w) {
      range = Math.max(range, Math.abs(v));
    }
    double atol = num(chk, "atol", 0) + num(chk, "atol_rel", 0) * range;
    double rtol = num(chk, "rtol", 0);
    double maxAbs = 0;
    double dot = 0;
    double ng = 0;
    double nw = 0;
    int bad = 0;
    int first = -1;
    for (int i = 0; i < w.length; i++) {
      double err = Math.abs(g[i] - w[i]);
      if (!(err <= atol + rtol * Math.abs(w[i]))) {
        bad++;
        if (first < 0) {
          first = i;
        }
      }
      maxAbs = Double.isNaN(err) ? Double.NaN : Math.max(maxAbs, err);
      dot += g[i] * w[i];
      ng += g[i] * g[i];
      nw += w[i] * w[i];
    }
    double cos = ng > 0 && nw > 0 ? dot / Math.sqrt(ng * nw) : (ng == nw ? 1 : 0);
    double cosMin = num(chk, "cos_min", -1);
    String metrics =
        String.format(
            Locale.ROOT,
            "output=%s max_abs=%.4g range=%.4g rel_to_range=%.4g cos=%.7f bad=%d of %d",
            name,
            maxAbs,
            range,
            maxAbs / Math.max(range, 1e-30),
            cos,
            bad,
            w.length);
    if (bad > 0) {
      return "off: "
          + metrics
          + String.format(
              Locale.ROOT, " (first at %d: want %g, got %g)", first, w[first], g[first]);
    }
    if (!(cos >= cosMin)) {
      return "off: " + metrics + " (cosine below " + cosMin + ")";
    }
    return "ok " + metrics;
  }

  /** ONNX NonMaxSuppression: the (batch, class, box) rows equal as sets; gathered rows match. */
  @SuppressWarnings("unchecked")
  static String nmsSet(Map<String, Object> chk, Map<String, Tensor> out, Map<String, Tensor> ref) {
    String idx = str(chk, "indices");
    Tensor gotT = get(out, idx);
    long[] g = longs(gotT);
    long[] w = longs(get(ref, idx));
    List<List<Long>> gotRows = rows(g);
    List<List<Long>> wantRows = rows(w);
    Set<List<Long>> gs = new HashSet<>(gotRows);
    Set<List<Long>> ws = new HashSet<>(wantRows);
    String counts =
        String.format(
            Locale.ROOT,
            "k_got=%d k_want=%d dtype=%s shape=%s",
            gotRows.size(),
            wantRows.size(),
            gotT.dataType().displayName(),
            gotT.shape().joined());
    if (gotT.shape().rank() != 2 || gotT.shape().dim(1) != 3) {
      return "off: " + idx + " has shape " + gotT.shape() + ", not Kx3; " + counts;
    }
    if (gs.size() != gotRows.size()) {
      return "off: repeated rows; " + counts;
    }
    if (!gs.equals(ws)) {
      Set<List<Long>> missing = new HashSet<>(ws);
      missing.removeAll(gs);
      Set<List<Long>> extra = new HashSet<>(gs);
      extra.removeAll(ws);
      return "off: " + counts + " missing=" + missing.size() + " extra=" + extra.size();
    }
    Map<List<Long>, Integer> pos = new HashMap<>();
    for (int i = 0; i < gotRows.size(); i++) {
      pos.put(gotRows.get(i), i);
    }
    StringBuilder r = new StringBuilder(counts);
    for (Map.Entry<String, Object> e : ((Map<String, Object>) chk.get("rows")).entrySet()) {
      Tensor gt = get(out, e.getKey());
      double[] gv = values(gt);
      double[] wv = values(get(ref, e.getKey()));
      int k = gotRows.size();
      if (gt.shape().rank() == 0 || gt.shape().dim(0) != k) {
        return "off: " + e.getKey() + " has shape " + gt.shape() + " for " + k + " indices";
      }
      int width = k == 0 ? 0 : gv.length / k;
      double[] ordered = new double[wv.length];
      for (int j = 0; j < wantRows.size(); j++) {
        int i = pos.get(wantRows.get(j));
        System.arraycopy(gv, i * width, ordered, j * width, width);
      }
      String a = allclose(e.getKey(), (Map<String, Object>) e.getValue(), ordered, wv);
      if (!a.startsWith("ok")) {
        return "off: " + counts + "; " + a;
      }
      r.append(' ').append(a.substring(3));
    }
    return "ok " + r;
  }

  static List<List<Long>> rows(long[] flat) {
    List<List<Long>> rows = new ArrayList<>();
    for (int i = 0; i + 2 < flat.length; i += 3) {
      rows.add(List.of(flat[i], flat[i + 1], flat[i + 2]));
    }
    return rows;
  }

  /** EfficientNMS_TRT: counts equal; the first count detections equal as a set. */
  static String detections(
      Map<String, Object> chk, Map<String, Tensor> out, Map<String, Tensor> ref) {
    int nGot = (int) values(get(out, str(chk, "count")))[0];
    int nWant = (int) values(get(ref, str(chk, "count")))[0];
    String counts = "n_got=" + nGot + " n_want=" + nWant;
    if (nGot != nWant) {
      return "off: " + counts;
    }
    double[] gb = values(get(out, str(chk, "boxes")));
    double[] gs = values(get(out, str(chk, "scores")));
    double[] gc = values(get(out, str(chk, "classes")));
    double[] wb = values(get(ref, str(chk, "boxes")));
    double[] ws = values(get(ref, str(chk, "scores")));
    double[] wc = values(get(ref, str(chk, "classes")));
    double boxTol = num(chk, "box_atol", 0);
    double scoreTol = num(chk, "score_atol", 0);
    boolean[] used = new boolean[nGot];
    double worstBox = 0;
    double worstScore = 0;
    int unmatched = 0;
    for (int j = 0; j < nWant; j++) {
      int best = -1;
      double bestErr = Double.MAX_VALUE;
      for (int i = 0; i < nGot; i++) {
        if (used[i] || gc[i] != wc[j] || Math.abs(gs[i] - ws[j]) > scoreTol) {
          continue;
        }
        double err = 0;
        for (int q = 0; q < 4; q++) {
          err = Math.max(err, Math.abs(gb[i * 4 + q] - wb[j * 4 + q]));
        }
        if (err <= boxTol && err < bestErr) {
          best = i;
          bestErr = err;
        }
      }
      if (best < 0) {
        unmatched++;
        continue;
      }
      used[best] = true;
      worstBox = Math.max(worstBox, bestErr);
      worstScore = Math.max(worstScore, Math.abs(gs[best] - ws[j]));
    }
    String r =
        String.format(
            Locale.ROOT,
            "%s unmatched=%d box_max_abs=%.3g score_max_abs=%.3g",
            counts,
            unmatched,
            worstBox,
            worstScore);
    return (unmatched == 0 ? "ok " : "off: ") + r;
  }

  // ------------------------------------------------------------------ the pool

  @Test
  void nmsUnderAPoolOfEightThreadsIsBitIdenticalToOneThread() throws Exception {
    Map<String, Object> m = null;
    for (Map<String, Object> x : models()) {
      for (Map<String, Object> chk : list(x, "checks")) {
        if ("nms_set".equals(str(chk, "kind"))) {
          m = x;
        }
      }
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(m != null, "no NonMaxSuppression entry");
    try (TrtEngine e = load(m);
        Inferer one = e.createInferer()) {
      List<Map<String, Tensor>> ins = new ArrayList<>();
      List<Map<String, Tensor>> want = new ArrayList<>();
      for (Map<String, Object> c : list(m, "cases")) {
        Map<String, Tensor> in = inputs(e, c);
        ins.add(in);
        want.add(one.run(in));
      }
      int threads = 8;
      int rounds = 40;
      try (InfererPool pool = InfererPool.create(e, threads)) {
        ExecutorService ex = Executors.newFixedThreadPool(threads);
        try {
          List<Future<Integer>> fs = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int id = t;
            fs.add(
                ex.submit(
                    () -> {
                      int calls = 0;
                      for (int r = 0; r < rounds; r++) {
                        int k = (id + r) % ins.size();
                        Map<String, Tensor> got =
                            (id + r) % 2 == 0
                                ? pool.run(ins.get(k))
                                : pool.withInferer(
                                    i -> {
                                      try (IoBinding b = i.createBinding()) {
                                        return runBinding(e, i, b, ins.get(k));
                                      }
                                    });
                        assertBitIdentical(want.get(k), got, "thread " + id + " round " + r);
                        calls++;
                      }
                      return calls;
                    }));
          }
          int total = 0;
          for (Future<Integer> f : fs) {
            total += f.get();
          }
          assertEquals(threads * rounds, total);
          say(
              "model=%s pool_threads=%d calls=%d bit_identical=true",
              str(m, "name"), threads, total);
        } finally {
          ex.shutdownNow();
        }
      }
    }
  }

  static void assertBitIdentical(Map<String, Tensor> want, Map<String, Tensor> got, String what) {
    assertEquals(want.keySet(), got.keySet(), what);
    for (String k : want.keySet()) {
      Tensor w = want.get(k);
      Tensor g = got.get(k);
      assertEquals(w.dataType(), g.dataType(), what + " " + k);
      assertEquals(w.shape(), g.shape(), what + " " + k);
      switch (w.array()) {
        case float[] f -> {
          int[] a = new int[f.length];
          int[] b = new int[f.length];
          for (int i = 0; i < f.length; i++) {
            a[i] = Float.floatToRawIntBits(f[i]);
            b[i] = Float.floatToRawIntBits(g.floats()[i]);
          }
          assertArrayEquals(a, b, what + " " + k);
        }
        case int[] a -> assertArrayEquals(a, g.ints(), what + " " + k);
        case long[] a -> assertArrayEquals(a, g.longs(), what + " " + k);
        default -> assertEquals(Arrays.toString(w.toFloats()), Arrays.toString(g.toFloats()));
      }
    }
  }
}
