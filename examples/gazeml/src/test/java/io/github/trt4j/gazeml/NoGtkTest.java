package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * The runner's OpenCV and FFmpeg use loads no GTK: after decoding an image and a video (FFmpeg and
 * OpenCV videoio), converting and drawing, no libgtk, libgdk or OpenCV GUI/object-detection library
 * is mapped into this process (Linux; read from /proc/self/maps). GPU servers have no GTK.
 */
class NoGtkTest {

  @Test
  void imageAndVideoPathsMapNoGtk() throws Exception {
    Path maps = Path.of("/proc/self/maps");
    assumeTrue(Files.isReadable(maps), "no /proc/self/maps (not Linux)");
    try (Mat img = GazeMlOutput.readBgr(Path.of("models", "face", "samples", "astronaut.png"));
        VideoSource ff = VideoSource.open(TestResources.path("face", "astronaut_pan.mp4"));
        VideoSource cv = OpenCvVideo.file(TestResources.path("face", "astronaut_pan.avi"));
        Mat frame = new Mat()) {
      assertTrue(ff.read(frame) && cv.read(frame));
      Annotator.draw(img, new Face(0.9, 10, 10, 100, 100, null));
      float[] in = new float[3 * 416 * 416];
      FaceInputs.detectorInput(img, 416, in, 0);
    }
    // The module names are split so that a grep of src/ for them finds real uses only.
    List<String> banned =
        List.of("libgtk", "libgdk", "opencv_" + "high" + "gui", "opencv_" + "obj" + "detect");
    List<String> bad =
        Files.readAllLines(maps).stream()
            .filter(l -> banned.stream().anyMatch(l::contains))
            .map(l -> l.substring(l.lastIndexOf(' ') + 1))
            .distinct()
            .toList();
    assertEquals(List.of(), bad, "GTK or OpenCV GUI/object detection loaded");
    assertTrue(Files.readString(maps).contains("opencv_imgproc"), "OpenCV was loaded at all");
  }
}
