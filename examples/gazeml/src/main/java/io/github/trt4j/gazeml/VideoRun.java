package io.github.trt4j.gazeml;

import java.io.IOException;
import java.io.PrintWriter;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * Runs the pipeline over a video or camera: decode → pipeline → annotate → one JSON line per frame
 * and the annotated Motion-JPEG video. Decoding time is counted in the pipeline's timings.
 */
final class VideoRun {

  private final GazeMlPipeline pipeline;
  private final GazeMlOutput output;
  private final boolean eyeRegion;

  VideoRun(GazeMlPipeline pipeline, GazeMlOutput output, boolean eyeRegion) {
    this.pipeline = pipeline;
    this.output = output;
    this.eyeRegion = eyeRegion;
  }

  /**
   * Processes up to {@code limit} frames and closes the source; the annotated video is {@code
   * NAME.gazeml.avi}.
   */
  void run(VideoSource source, String name, int limit, PrintWriter out) throws IOException {
    long n = 0;
    long eyes = 0;
    long withFace = 0;
    try (source;
        Mat frame = new Mat()) {
      while (n < limit) {
        long t0 = System.nanoTime();
        if (!source.read(frame)) {
          break;
        }
        pipeline.timings().addDecode(System.nanoTime() - t0);
        FrameResult r =
            eyeRegion ? pipeline.processEyeRegion(frame, n) : pipeline.processFrame(frame, n);
        eyes += r.eyes().size();
        withFace += r.faces().isEmpty() ? 0 : 1;
        Annotator.draw(frame, r);
        output.result(r, source.name());
        output.videoFrame(name, frame, source.fps());
        n++;
      }
    } finally {
      java.nio.file.Path file = output.endVideo();
      out.printf(
          "%s: %d frames, %d with a face, %d eyes -> %s%n",
          source.name(), n, withFace, eyes, file == null ? "(no frames)" : file);
    }
  }
}
