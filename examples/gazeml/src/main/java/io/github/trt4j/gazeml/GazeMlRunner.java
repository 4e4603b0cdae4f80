package io.github.trt4j.gazeml;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The GazeML runner's command line (also {@code trt4j gazeml}): which inputs, which models, which
 * mode. The work is done by {@link GazeMlPipeline}; engines come from {@link GazeMlEngines}; files
 * are written by {@link GazeMlOutput}.
 */
@Command(
    name = "gazeml",
    mixinStandardHelpOptions = true,
    description = {
      "Faces, 68 facial landmarks, eyelids, irises, eyeball centres and gaze, all on",
      "TensorRT: face-api.js's tiny face detector and landmark net, then GazeML's ELG",
      "on a 60x36 patch per eye cut from the eye-corner landmarks (the image-left eye",
      "mirrored). One JSON line per frame says what was found, or which stage found",
      "nothing."
    })
public final class GazeMlRunner implements Callable<Integer> {

  @Parameters(
      paramLabel = "IMAGE",
      arity = "0..*",
      description = "Images (or, with --eye-patches, cropped eye images).")
  List<Path> images = new ArrayList<>();

  @Option(
      names = "--video",
      paramLabel = "FILE",
      description =
          "A video file (FFmpeg: MP4/H.264, MPEG-4, MJPEG, ...; else OpenCV: Motion-JPEG AVI).")
  Path video;

  @Option(names = "--camera", paramLabel = "INDEX", description = "A camera to process.")
  Integer camera;

  @Option(
      names = "--max-frames",
      paramLabel = "N",
      description = "Stop a video or camera after N frames (camera default: 300).")
  Integer maxFrames;

  @Option(
      names = "--eye-region",
      description =
          "Inputs show both eyes and little else (no face): each eye at the centre of its half.")
  boolean eyeRegion;

  @Option(
      names = "--eye-patches",
      description = "Inputs are already-cropped eye images: skip detection.")
  boolean eyePatches;

  @Option(
      names = "--evaluate",
      paramLabel = "FILE.npz",
      description =
          "Held-out eyes with labels (eyes, landmarks, radius, gaze): print the accuracy.")
  Path evaluate;

  @Option(
      names = "--engine",
      paramLabel = "FILE",
      description = "A TensorRT engine of an ELG model.")
  Path engine;

  @Option(
      names = "--onnx",
      paramLabel = "FILE",
      description =
          "An ELG ONNX model, built once and cached next to it (default: models/gazeml/elg.onnx).")
  Path onnx;

  @Option(
      names = "--face-detector",
      paramLabel = "FILE",
      description = "The face detector ONNX (default: models/face/face_detector.onnx).")
  Path faceDetector;

  @Option(
      names = "--face-landmarks",
      paramLabel = "FILE",
      description = "The 68-point landmark ONNX (default: models/face/face_landmarks68.onnx).")
  Path faceLandmarks;

  @Option(
      names = "--max-faces",
      paramLabel = "N",
      defaultValue = "16",
      description =
          "Faces per landmark inference (the landmark engine's batch; default: ${DEFAULT-VALUE}).")
  int maxFaces;

  @Option(names = "--fp16", description = "Build the cached engines with FP16 kernels allowed.")
  boolean fp16;

  @Option(
      names = "--builder-optimization-level",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "TensorRT's builder optimization level for the engines not cached yet, 0..5 (default:"
              + " ${DEFAULT-VALUE}; TensorRT's own default is 3): lower builds faster, may run"
              + " slower; a level is a cache key.")
  int builderLevel;

  @Option(
      names = "--parallel-builds",
      negatable = true,
      defaultValue = "true",
      fallbackValue = "true",
      description =
          "Build the engines not cached yet at the same time (default) or, with"
              + " --no-parallel-builds, one by one.")
  boolean parallelBuilds;

  @Option(
      names = {"-o", "--output-dir"},
      paramLabel = "DIR",
      defaultValue = "gazeml-out",
      description =
          "Where annotated images/video, results.jsonl and metrics go (default: ${DEFAULT-VALUE}).")
  Path outputDir;

  @Option(
      names = "--device",
      defaultValue = "0",
      description = "CUDA device (default: ${DEFAULT-VALUE}).")
  int device;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(new CommandLine(new GazeMlRunner()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    if (images.isEmpty() && video == null && camera == null && evaluate == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "Nothing to do: give images, --video, --camera or --evaluate");
    }
    if (eyeRegion && eyePatches) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--eye-region and --eye-patches are different modes: give one");
    }
    if (maxFaces < 1 || maxFaces > 256) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--max-faces must be 1..256; got " + maxFaces);
    }
    PrintWriter out = spec.commandLine().getOut();
    boolean faces =
        !eyeRegion && !eyePatches && (!images.isEmpty() || video != null || camera != null);
    if (builderLevel < 0 || builderLevel > 5) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "--builder-optimization-level must be 0..5; got " + builderLevel);
    }
    EngineCache cache = new EngineCache(fp16, device, out, builderLevel);
    int failed = 0;
    try (GazeMlEngines engines =
            GazeMlEngines.open(
                cache,
                faces ? or(faceDetector, GazeMlEngines.DETECTOR) : null,
                faces ? or(faceLandmarks, GazeMlEngines.LANDMARKS) : null,
                engine,
                or(onnx, GazeMlEngines.ELG),
                maxFaces,
                parallelBuilds);
        GazeMlPipeline pipeline = engines.pipeline();
        GazeMlOutput output = new GazeMlOutput(outputDir)) {
      engines.describe(out);
      if (evaluate != null) {
        Evaluation.run(pipeline, evaluate, outputDir, out);
      }
      long frame = 0;
      for (Path img : images) {
        try {
          String said =
              eyePatches
                  ? patch(pipeline, output, img, frame)
                  : image(pipeline, output, img, frame);
          out.println(img + ": " + said);
        } catch (IOException | IllegalArgumentException e) {
          failed++;
          output.error(img.toString(), e.getMessage());
          spec.commandLine().getErr().println(img + ": " + e.getMessage());
        }
        frame++;
      }
      if (video != null || camera != null) {
        new VideoRun(pipeline, output, eyeRegion)
            .run(
                video != null ? VideoSource.open(video) : OpenCvVideo.camera(camera),
                video != null ? GazeMlOutput.stem(video) : "camera" + camera,
                maxFrames != null ? maxFrames : (camera != null ? 300 : Integer.MAX_VALUE),
                out);
      }
      out.println("timings: " + pipeline.timings().summary());
      out.println("results: " + output.jsonFile());
    }
    out.flush();
    return failed == 0 ? 0 : 1;
  }

  private static Path or(Path p, Path dflt) {
    return p != null ? p : dflt;
  }

  private String image(GazeMlPipeline pipeline, GazeMlOutput output, Path file, long frame)
      throws IOException {
    long t0 = System.nanoTime();
    try (Mat img = GazeMlOutput.readBgr(file)) {
      pipeline.timings().addDecode(System.nanoTime() - t0);
      FrameResult r =
          eyeRegion ? pipeline.processEyeRegion(img, frame) : pipeline.processFrame(img, frame);
      Annotator.draw(img, r);
      output.result(r, file.toString());
      Path annotated = output.image(file, img);
      return r.faces().size()
          + " face(s), "
          + r.eyes().size()
          + " eye(s)"
          + (r.nothingFoundBy() == null ? "" : "; nothing found by the " + r.nothingFoundBy())
          + " -> "
          + annotated;
    }
  }

  private String patch(GazeMlPipeline pipeline, GazeMlOutput output, Path file, long frame)
      throws IOException {
    try (Mat gray = GazeMlOutput.read(file, opencv_imgcodecs.IMREAD_GRAYSCALE);
        Mat big = new Mat();
        Mat color = new Mat()) {
      List<EyeResult> res = pipeline.processPatches(List.of(gray), frame);
      int scale = Math.max(1, 240 / gray.cols());
      try (Size size = new Size(gray.cols() * scale, gray.rows() * scale)) {
        opencv_imgproc.resize(gray, big, size, 0, 0, opencv_imgproc.INTER_NEAREST);
      }
      opencv_imgproc.cvtColor(big, color, opencv_imgproc.COLOR_GRAY2BGR);
      for (EyeResult r : res) {
        Annotator.draw(color, Evaluation.scaled(r, scale));
      }
      output.patches(res, file.toString());
      return res.size() + " eye(s) -> " + output.image(file, color);
    }
  }
}
