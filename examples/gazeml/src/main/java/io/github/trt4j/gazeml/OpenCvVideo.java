package io.github.trt4j.gazeml;

import java.io.IOException;
import java.nio.file.Path;
import org.bytedeco.opencv.global.opencv_videoio;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_videoio.VideoCapture;

/**
 * Frames through OpenCV's videoio (bytedeco's build reads Motion-JPEG AVI, image sequences such as
 * {@code frame_%04d.png}, and cameras). Owns the VideoCapture; close() releases it.
 */
final class OpenCvVideo implements VideoSource {

  private final VideoCapture cap;
  private final String name;

  private OpenCvVideo(VideoCapture cap, String name) throws IOException {
    this.cap = cap;
    this.name = name;
    if (!cap.isOpened()) {
      close();
      throw new IOException("OpenCV cannot open " + name);
    }
  }

  static OpenCvVideo file(Path file) throws IOException {
    return new OpenCvVideo(new VideoCapture(file.toString()), file.toString());
  }

  static OpenCvVideo camera(int index) throws IOException {
    return new OpenCvVideo(new VideoCapture(index), "camera " + index);
  }

  @Override
  public boolean read(Mat bgr) throws IOException {
    if (!cap.read(bgr) || bgr.empty()) {
      return false;
    }
    if (bgr.type() != org.bytedeco.opencv.global.opencv_core.CV_8UC3) {
      try (Mat m = Frames.toBgr8(bgr)) {
        m.copyTo(bgr);
      }
    }
    return true;
  }

  @Override
  public double fps() {
    double f = cap.get(opencv_videoio.CAP_PROP_FPS);
    return f > 0 ? f : 25;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void close() {
    cap.release();
    cap.close();
  }
}
