package io.github.trt4j.gazeml;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_COLOR;
import static org.bytedeco.opencv.global.opencv_imgcodecs.IMREAD_GRAYSCALE;

import io.github.trt4j.EngineBuilder;
import io.github.trt4j.PlanHeader;
import io.github.trt4j.Tensor;
import io.github.trt4j.TrtEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.global.opencv_videoio;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_videoio.VideoCapture;
import org.bytedeco.opencv.opencv_videoio.VideoWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The GazeML eye-landmark runner: images, a video or a camera in; annotated images or video, one
 * JSON line per frame and eye, and per-stage timings out. Also {@code trt4j gazeml}.
 */
@Command(
    name = "gazeml",
    mixinStandardHelpOptions = true,
    description = {
      "Find eyelids, irises, eyeball centres and gaze with GazeML's ELG model on TensorRT.",
      "Faces are found with OpenCV's Haar cascades, eyes in each face's upper band (or from",
      "the face box when the eye cascade misses); each eye becomes a 60x36 patch (the",
      "image-left eye mirrored), equalized and scaled to [-1, 1], two per inference."
    })
public final class GazeMlRunner implements Callable<Integer> {

  @Parameters(paramLabel = "IMAGE", arity = "0..*", description = "Images (or, with --eye-patches, cropped eye images).")
  List<Path> images = new ArrayList<>();

  @Option(names = "--engine", paramLabel = "FILE", description = "A TensorRT engine of an ELG model.")
  Path engine;

  @Option(names = "--onnx", paramLabel = "FILE",
      description = "An ELG ONNX model; its engine is built once and cached next to it (default: models/gazeml/elg.onnx).")
  Path onnx;

  @Option(names = "--fp16", description = "Build the cached engine with FP16 kernels allowed.")
  boolean fp16;

  @Option(names = "--video", paramLabel = "FILE", description = "A video file to process.")
  Path video;

  @Option(names = "--camera", paramLabel = "INDEX", description = "A camera to process.")
  Integer camera;

  @Option(names = "--max-frames", paramLabel = "N", description = "Stop a video or camera after N frames (camera default: 300).")
  Integer maxFrames;

  @Option(names = "--eye-patches", description = "Inputs are already-cropped eye images: skip detection.")
  boolean eyePatches;

  @Option(names = "--evaluate", paramLabel = "FILE.npz",
      description = "Held-out eyes with labels (eyes, landmarks, radius, gaze): print the accuracy.")
  Path evaluate;

  @Option(names = {"-o", "--output-dir"}, paramLabel = "DIR", defaultValue = "gazeml-out",
      description = "Where annotated images/video, results.jsonl and metrics go (default: ${DEFAULT-VALUE}).")
  Path outputDir;

  @Option(names = "--device", defaultValue = "0", description = "CUDA device (default: ${DEFAULT-VALUE}).")
  int device;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new GazeMlRunner()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (images.isEmpty() && video == null && camera == null && evaluate == null) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "Nothing to do: give images, --video, --camera or --evaluate");
    }
    PrintWriter out = spec.commandLine().getOut();
    Files.createDirectories(outputDir);
    Path enginePath = resolveEngine(out);
    try (TrtEngine e = TrtEngine.load(enginePath, device);
        GazeMlPipeline pipeline = new GazeMlPipeline(e);
        Writer json = Files.newBufferedWriter(outputDir.resolve("results.jsonl"), StandardCharsets.UTF_8)) {
      out.println("engine " + enginePath + " (TensorRT " + e.planHeader().fullVersion() + "), eye input '"
          + pipeline.adapter().eyeInput() + "' " + (pipeline.adapter().nchw() ? "NCHW" : "NHWC")
          + ", batch " + pipeline.adapter().batch());
      if (evaluate != null) {
        Evaluation.run(pipeline, evaluate, outputDir, out);
      }
      long frame = 0;
      for (Path img : images) {
        List<EyeResult> res = eyePatches ? patch(pipeline, img, frame) : image(pipeline, img, frame);
        for (EyeResult r : res) {
          json.write(withInput(r.toJson(), img.toString()));
          json.write('\n');
        }
        out.printf("%s: %d eye(s)%n", img, res.size());
        frame++;
      }
      if (video != null || camera != null) {
        stream(pipeline, json, out);
      }
      out.println("timings: " + pipeline.timings().summary());
      out.println("results: " + outputDir.resolve("results.jsonl"));
    }
    out.flush();
    return 0;
  }

  private Path resolveEngine(PrintWriter out) throws IOException {
    if (engine != null) {
      return engine;
    }
    Path model = onnx != null ? onnx : Path.of("models", "gazeml", "elg.onnx");
    if (!Files.isRegularFile(model)) {
      throw new java.nio.file.NoSuchFileException(model.toString(), null, "ONNX model not found (use --onnx or --engine)");
    }
    String name = model.getFileName().toString().replaceFirst("\\.onnx$", "");
    Path cached = model.resolveSibling(name + (fp16 ? ".fp16" : "") + ".engine");
    if (Files.isRegularFile(cached)
        && Files.getLastModifiedTime(cached).compareTo(Files.getLastModifiedTime(model)) >= 0
        && PlanHeader.read(cached).version().equals(TrtEngine.tensorRtVersion())
        && cacheIntact(cached)) {
      return cached;
    }
    out.println("building " + cached + " from " + model + " (once)");
    out.flush();
    EngineBuilder.fromOnnx(model).fp16(fp16).device(device).buildTo(cached);
    return cached;
  }

  /** A cached engine is reused only when its digest (written with it) still matches. */
  private static boolean cacheIntact(Path cached) throws IOException {
    try {
      java.util.Optional<String> recorded = io.github.trt4j.PlanDigest.read(cached);
      return recorded.isPresent() && recorded.get().equals(io.github.trt4j.PlanDigest.sha256(cached));
    } catch (io.github.trt4j.EngineLoadException malformed) {
      return false;
    }
  }

  private List<EyeResult> image(GazeMlPipeline pipeline, Path file, long frame) throws IOException {
    Mat img = read(file, IMREAD_COLOR);
    try {
      List<EyeResult> res = pipeline.processFrame(img, frame);
      for (EyeResult r : res) {
        Annotator.draw(img, r);
      }
      write(outputDir.resolve(stem(file) + ".gazeml.png"), img);
      return res;
    } finally {
      img.close();
    }
  }

  private List<EyeResult> patch(GazeMlPipeline pipeline, Path file, long frame) throws IOException {
    Mat gray = read(file, IMREAD_GRAYSCALE);
    try {
      List<EyeResult> res = pipeline.processPatches(List.of(gray), frame);
      int scale = Math.max(1, 240 / gray.cols());
      Mat big = new Mat();
      Mat color = new Mat();
      try (Size size = new Size(gray.cols() * scale, gray.rows() * scale)) {
        opencv_imgproc.resize(gray, big, size, 0, 0, opencv_imgproc.INTER_NEAREST);
        opencv_imgproc.cvtColor(big, color, opencv_imgproc.COLOR_GRAY2BGR);
        for (EyeResult r : res) {
          Annotator.draw(color, Evaluation.scaled(r, scale));
        }
        write(outputDir.resolve(stem(file) + ".gazeml.png"), color);
      } finally {
        big.close();
        color.close();
      }
      return res;
    } finally {
      gray.close();
    }
  }

  private void stream(GazeMlPipeline pipeline, Writer json, PrintWriter out) throws IOException {
    VideoCapture cap = video != null ? new VideoCapture(video.toString()) : new VideoCapture(camera);
    String what = video != null ? video.toString() : "camera " + camera;
    try {
      if (!cap.isOpened()) {
        throw new IOException("Cannot open " + what + (video == null ? "" : ": the OpenCV in"
            + " trt4j's class path reads Motion-JPEG AVI and image sequences (frame_%04d.png);"
            + " convert other videos, e.g. ffmpeg -i in.mp4 -c:v mjpeg -q:v 3 out.avi"));
      }
      double fps = cap.get(opencv_videoio.CAP_PROP_FPS);
      if (!(fps > 0)) {
        fps = 25;
      }
      int limit = maxFrames != null ? maxFrames : (camera != null ? 300 : Integer.MAX_VALUE);
      Path outFile = outputDir.resolve((video != null ? stem(video) : "camera" + camera) + ".gazeml.avi");
      VideoWriter writer = null;
      Mat frame = new Mat();
      long n = 0;
      long eyes = 0;
      try {
        while (n < limit && cap.read(frame) && !frame.empty()) {
          List<EyeResult> res = pipeline.processFrame(frame, n);
          for (EyeResult r : res) {
            Annotator.draw(frame, r);
            json.write(withInput(r.toJson(), what));
            json.write('\n');
          }
          eyes += res.size();
          if (writer == null) {
            try (Size size = new Size(frame.cols(), frame.rows())) {
              writer = new VideoWriter(outFile.toString(),
                  VideoWriter.fourcc((byte) 'M', (byte) 'J', (byte) 'P', (byte) 'G'), fps, size, true);
            }
            if (!writer.isOpened()) {
              throw new IOException("Cannot write video " + outFile);
            }
          }
          writer.write(frame);
          n++;
        }
      } finally {
        frame.close();
        if (writer != null) {
          writer.release();
          writer.close();
        }
      }
      out.printf("%s: %d frames, %d eyes -> %s%n", what, n, eyes, outFile);
    } finally {
      cap.release();
      cap.close();
    }
  }

  static Mat read(Path file, int flags) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new java.nio.file.NoSuchFileException(file.toString(), null, "image not found");
    }
    Mat m = opencv_imgcodecs.imread(file.toString(), flags);
    if (m == null || m.empty()) {
      throw new IOException("OpenCV cannot read image " + file);
    }
    return m;
  }

  static void write(Path file, Mat img) throws IOException {
    if (!opencv_imgcodecs.imwrite(file.toString(), img)) {
      throw new IOException("OpenCV cannot write " + file);
    }
  }

  static String stem(Path p) {
    return p.getFileName().toString().replaceFirst("\\.[^.]+$", "");
  }

  static String withInput(String json, String input) {
    String esc = input.replace("\\", "\\\\").replace("\"", "\\\"");
    return "{\"input\":\"" + esc + "\"," + json.substring(1);
  }

  /** Loads an NPZ entry and checks its shape prefix. */
  static Tensor entry(Map<String, Tensor> npz, String name, Path file) throws IOException {
    Tensor t = npz.get(name);
    if (t == null) {
      throw new IOException(file + " has no '" + name + "' array; it has " + npz.keySet());
    }
    return t;
  }

  /** A 36x60 (or any) 8-bit grey Mat from bytes. The caller owns it. */
  static Mat grayMat(byte[] px, int rows, int cols) {
    Mat m = new Mat(rows, cols, CV_8UC1);
    try (BytePointer p = new BytePointer(px)) {
      org.bytedeco.javacpp.Pointer.memcpy(m.data(), p, px.length);
    }
    return m;
  }

}
