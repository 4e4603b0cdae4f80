package io.github.trt4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.trt4j.internal.HostCodec;
import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays the NPY/NPZ corpus of scripts/npy_fuzz_corpus.py, where NumPy's np.load was the oracle:
 * whatever trt4j accepts must be exactly NumPy's array (type, shape and the bytes of its C-order
 * little-endian form); whatever trt4j refuses must be an IOException naming the file; nothing else
 * (no OutOfMemoryError, NegativeArraySizeException, NullPointerException...) may come out.
 */
class NpyFuzzTest {

  private record Case(String file, String kind, String mutation, boolean numpyOk, String detail) {}

  @Test
  void trt4jAgreesWithNumpyOnTheCorpus(@TempDir Path dir) throws Exception {
    List<Case> cases = extract(dir);
    int agreeOk = 0;
    int agreeRefused = 0;
    List<String> different = new ArrayList<>();
    List<String> acceptedWhatNumpyRefused = new ArrayList<>();
    List<String> badFailures = new ArrayList<>();
    Map<String, Integer> deliberate = new TreeMap<>();
    Map<String, Integer> kinds = new TreeMap<>();
    for (Case c : cases) {
      kinds.merge(c.kind, 1, Integer::sum);
      Path p = dir.resolve(c.file);
      String got;
      try {
        got = c.kind.equals("npy") ? "-|" + canon(Npy.read(p)) : canonAll(Npy.readNpz(p));
      } catch (IOException e) {
        if (e.getMessage() == null || !e.getMessage().contains(p.toString())) {
          badFailures.add(c.file + " (" + c.mutation + "): message does not name the file: " + e);
        } else if (c.numpyOk) {
          deliberate.merge(c.kind + " " + reason(e.getMessage(), p), 1, Integer::sum);
        } else {
          agreeRefused++;
        }
        continue;
      } catch (Throwable t) {
        badFailures.add(c.file + " (" + c.mutation + "): " + t);
        continue;
      }
      if (!c.numpyOk) {
        acceptedWhatNumpyRefused.add(c.file + " (" + c.mutation + "): numpy: " + c.detail);
      } else if (!got.equals(c.detail)) {
        different.add(c.file + " (" + c.mutation + "): numpy " + c.detail + ", trt4j " + got);
      } else {
        agreeOk++;
      }
    }
    int deliberateTotal = deliberate.values().stream().mapToInt(Integer::intValue).sum();
    System.out.printf(
        "NPY/NPZ corpus: %s cases; same array as numpy %d; both refuse %d;"
            + " trt4j refuses what numpy reads %d; trt4j reads what numpy refuses %d;"
            + " different arrays %d; failures that are not a named IOException %d%n",
        kinds,
        agreeOk,
        agreeRefused,
        deliberateTotal,
        acceptedWhatNumpyRefused.size(),
        different.size(),
        badFailures.size());
    deliberate.forEach((k, v) -> System.out.printf("  refused deliberately: %4d  %s%n", v, k));
    acceptedWhatNumpyRefused.forEach(s -> System.out.println("  read, numpy refused: " + s));
    assertTrue(kinds.get("npy") >= 3000 && kinds.get("npz") >= 1000, kinds.toString());
    assertEquals(List.of(), different, "arrays that differ from numpy's");
    assertEquals(List.of(), badFailures, "failures other than a named IOException");
    assertEquals(List.of(), acceptedWhatNumpyRefused, "files numpy refuses");
  }

  /** The reason without the file name and numbers, to group refusals. */
  private static String reason(String message, Path p) {
    String m =
        message.replace(p.toString(), "FILE").replaceAll("^FILE\\[[^\\]]*\\]", "FILE[ENTRY]");
    m =
        m.replaceAll("header says \\[[^\\]]*\\] \\S+", "header says SHAPE TYPE")
            .replaceAll("\\([^()]*bytes[^()]*\\)", "")
            .replaceAll("'[^']*'", "'…'")
            .replaceAll("\\d+", "N")
            .replaceAll(" at offset N.*", "");
    return m.length() > 120 ? m.substring(0, 120) + "…" : m;
  }

  private static List<Case> extract(Path dir) throws IOException {
    List<Case> cases = new ArrayList<>();
    try (InputStream res = NpyFuzzTest.class.getResourceAsStream("/npyfuzz/corpus.zip");
        ZipInputStream zip = new ZipInputStream(res)) {
      ZipEntry e;
      while ((e = zip.getNextEntry()) != null) {
        byte[] data = zip.readAllBytes();
        if (e.getName().equals("manifest.tsv")) {
          for (String line : new String(data, StandardCharsets.UTF_8).split("\n")) {
            String[] f = line.split("\t", -1);
            cases.add(new Case(f[0], f[1], f[2], f[3].equals("ok"), f[4]));
          }
        } else {
          Path out = dir.resolve(e.getName());
          Files.createDirectories(out.getParent());
          Files.write(out, data);
        }
      }
    }
    return cases;
  }

  /** dtype|d0,d1|sha256 of the C-order little-endian bytes, as the corpus script writes it. */
  static String canon(Tensor t) throws Exception {
    byte[] bytes = new byte[(int) t.dataType().bytesFor(t.size())];
    HostCodec.encode(t, MemorySegment.ofArray(bytes));
    StringBuilder shape = new StringBuilder();
    for (int i = 0; i < t.shape().rank(); i++) {
      shape.append(i > 0 ? "," : "").append(t.shape().dim(i));
    }
    String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    return t.dataType().displayName() + "|" + shape + "|" + sha;
  }

  private static String canonAll(Map<String, Tensor> arrays) throws Exception {
    if (arrays.isEmpty()) {
      return "(empty)";
    }
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
      parts.add(e.getKey().replace("|", "/") + "|" + canon(e.getValue()));
    }
    return String.join(" ; ", parts);
  }
}
