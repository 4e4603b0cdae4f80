package io.github.trt4j.gazeml;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * The pipeline over a video with per-stage timings, frames per second, and faces found versus
 * face-api.js on the same frames (GPU host; not a test):
 *
 * <pre>
 *   gpu.sh run io.github.trt4j.gazeml.GazeMlBenchmark local/Megamind.avi [models/face/faceapi_reference.json] [LEVEL]
 * </pre>
 *
 * Engines come from the runner's cache (built once), at builder optimization level LEVEL (0..5;
 * default TensorRT's own, 3, as in the measurements of docs/gazeml.md; the runner builds at 1). A
 * warm-up pass over the first 30 frames comes first; then two timed passes over the whole video:
 * one decoding on the pipeline's thread (the stages add up), one decoding ahead on a second thread
 * (what a streaming application sees). Nothing is drawn or written.
 */
public final class GazeMlBenchmark {

  private GazeMlBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: GazeMlBenchmark VIDEO [FACEAPI_REFERENCE.json] [LEVEL 0..5]");
      System.exit(2);
    }
    Path video = Path.of(args[0]);
    Path ref = Path.of(args.length > 1 ? args[1] : "models/face/faceapi_reference.json");
    PrintWriter out = new PrintWriter(System.out, true);
    int level = args.length > 2 && args[2].matches("[0-5]") ? Integer.parseInt(args[2]) : -1;
    if (args.length > 2 && level < 0) {
      System.err.println("LEVEL must be 0..5; got " + args[2]);
      System.exit(2);
    }
    EngineCache cache = new EngineCache(false, 0, out, level);
    out.println("builder optimization level: " + (level < 0 ? "TensorRT's default (3)" : level));
    try (GazeMlEngines engines =
        GazeMlEngines.open(
            cache, GazeMlEngines.DETECTOR, GazeMlEngines.LANDMARKS, null, GazeMlEngines.ELG, 16)) {
      engines.describe(out);
      try (GazeMlPipeline warm = engines.pipeline()) {
        pass(warm, video, 30, false);
      }
      List<Integer> faces;
      try (GazeMlPipeline p = engines.pipeline()) {
        long t0 = System.nanoTime();
        faces = pass(p, video, Integer.MAX_VALUE, false);
        double wall = (System.nanoTime() - t0) / 1e9;
        out.println("sequential: " + p.timings().summary());
        out.printf(
            Locale.ROOT,
            "sequential wall clock: %d frames in %.3f s = %.1f frames/s%n",
            faces.size(),
            wall,
            faces.size() / wall);
      }
      try (GazeMlPipeline p = engines.pipeline()) {
        long t0 = System.nanoTime();
        int n = pass(p, video, Integer.MAX_VALUE, true).size();
        double wall = (System.nanoTime() - t0) / 1e9;
        out.println("decode ahead: " + p.timings().summary());
        out.printf(
            Locale.ROOT,
            "decode-ahead wall clock: %d frames in %.3f s = %.1f frames/s%n",
            n,
            wall,
            n / wall);
      }
      compare(faces, ref, video.getFileName().toString(), out);
    }
  }

  /** Faces per frame. With {@code ahead}, a second thread decodes into a small queue. */
  static List<Integer> pass(GazeMlPipeline p, Path video, int limit, boolean ahead)
      throws Exception {
    List<Integer> faces = new ArrayList<>();
    if (!ahead) {
      try (VideoSource src = VideoSource.open(video);
          Mat frame = new Mat()) {
        while (faces.size() < limit) {
          long t0 = System.nanoTime();
          if (!src.read(frame)) {
            break;
          }
          p.timings().addDecode(System.nanoTime() - t0);
          faces.add(p.processFrame(frame, faces.size()).faces().size());
        }
      }
      return faces;
    }
    BlockingQueue<Mat> queue = new ArrayBlockingQueue<>(8);
    Mat end = new Mat();
    Exception[] failure = new Exception[1];
    Thread decoder =
        Thread.ofPlatform()
            .name("decode")
            .start(
                () -> {
                  try (VideoSource src = VideoSource.open(video)) {
                    for (int n = 0; n < limit; n++) {
                      Mat m = new Mat();
                      if (!src.read(m)) {
                        m.close();
                        break;
                      }
                      queue.put(m);
                    }
                  } catch (Exception e) {
                    failure[0] = e;
                  } finally {
                    try {
                      queue.put(end);
                    } catch (InterruptedException ignored) {
                      Thread.currentThread().interrupt();
                    }
                  }
                });
    while (true) {
      long t0 = System.nanoTime();
      Mat m = queue.take();
      if (m == end) {
        break;
      }
      p.timings().addDecode(System.nanoTime() - t0); // time spent waiting for a decoded frame
      try (m) {
        faces.add(p.processFrame(m, faces.size()).faces().size());
      }
    }
    decoder.join();
    end.close();
    if (failure[0] != null) {
      throw failure[0];
    }
    return faces;
  }

  @SuppressWarnings("unchecked")
  static void compare(List<Integer> faces, Path ref, String name, PrintWriter out)
      throws Exception {
    long ours = faces.stream().filter(n -> n > 0).count();
    if (!Files.isRegularFile(ref)) {
      out.printf(
          "frames with a face: %d of %d (no face-api reference at %s)%n", ours, faces.size(), ref);
      return;
    }
    Map<String, Object> e;
    try {
      e = MiniJson.faceApiEntry(ref, name);
    } catch (IllegalArgumentException x) {
      out.printf("frames with a face: %d of %d (%s)%n", ours, faces.size(), x.getMessage());
      return;
    }
    List<Object> frames = (List<Object>) e.get("frames");
    int n = Math.min(frames.size(), faces.size());
    int theirs = 0;
    int same = 0;
    for (int i = 0; i < n; i++) {
      int f = ((List<Object>) frames.get(i)).size();
      theirs += f > 0 ? 1 : 0;
      same += f == faces.get(i) ? 1 : 0;
    }
    out.printf(
        "frames with a face: trt4j %d, face-api.js %d, of %d frames (face-api.js has %d);"
            + " same face count on %d frames%n",
        ours, theirs, faces.size(), frames.size(), same);
  }
}
