package io.github.trt4j.gazeml;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.opencv.global.opencv_imgcodecs;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/**
 * The face path on a real photo: OpenCV's sample {@code messi5.jpg} from Debian's opencv-doc
 * package (installed by .ci/run when it can; never committed). Needs no GPU.
 */
class RealPhotoTest {

  static final Path MESSI = Path.of("/usr/share/doc/opencv-doc/examples/data/messi5.jpg");

  @Test
  void findsTheEyesOfARealFace() throws Exception {
    assumeTrue(Files.isRegularFile(MESSI), "opencv-doc's messi5.jpg is not installed");
    Mat gray = opencv_imgcodecs.imread(MESSI.toString(), opencv_imgcodecs.IMREAD_GRAYSCALE);
    try (FaceEyeDetector d = new FaceEyeDetector()) {
      List<FaceEyeDetector.EyePair> pairs = d.detect(gray);
      System.out.println("messi5.jpg: " + pairs);
      assertFalse(pairs.isEmpty(), "no face found");
      FaceEyeDetector.EyePair p = pairs.get(0);
      // The player's head spans about x 230-320, y 60-130 in this 548x342 photo.
      double mx = (p.left().cx() + p.right().cx()) / 2;
      double my = (p.left().cy() + p.right().cy()) / 2;
      assertTrue(mx > 230 && mx < 320 && my > 60 && my < 130, "eyes at " + mx + "," + my);
      assertTrue(p.left().cx() < p.right().cx());
    } finally {
      gray.close();
    }
  }
}
