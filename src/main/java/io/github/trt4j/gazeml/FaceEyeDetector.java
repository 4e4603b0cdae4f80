package io.github.trt4j.gazeml;

import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.global.opencv_imgproc;
import org.bytedeco.opencv.global.opencv_objdetect;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * Finds eye pairs with the Haar cascades that ship in the bytedeco OpenCV jar: faces first, then
 * eyes inside each face's upper band; when the eye cascade misses, eye positions follow from the
 * face box. An image without a detected face is searched for eyes directly (close-ups of the eye
 * region). Owns two cascade classifiers; not thread-safe; close() frees them.
 */
public final class FaceEyeDetector implements AutoCloseable {

  /** Corner-to-corner eye width as a fraction of a Haar eye box's width. */
  static final double EYE_WIDTH_OF_BOX = 0.7;
  /** Fallback eye geometry within a face box (fractions of its width and height). */
  static final double FALLBACK_X = 0.30;
  static final double FALLBACK_Y = 0.38;
  static final double FALLBACK_WIDTH = 0.22;
  /** Face search runs on images scaled down to at most this width. */
  static final int FACE_SEARCH_WIDTH = 480;

  /** One eye: centre and corner-to-corner width in image pixels. */
  public record Eye(double cx, double cy, double width) {}

  /** The two eyes of a face, image-left first, and how they were found. */
  public record EyePair(Eye left, Eye right, String source) {
    /** The angle of the line from the left to the right eye, radians. */
    public double roll() {
      return Math.atan2(right.cy - left.cy, right.cx - left.cx);
    }
  }

  private final CascadeClassifier faces;
  private final CascadeClassifier eyes;
  private boolean closed;

  /**
   * Loads the face and eye cascades.
   *
   * @throws IOException when a cascade is missing, or OpenCV's object detection cannot load (the
   *     bytedeco OpenCV build links GTK 2: the message says what to install)
   */
  public FaceEyeDetector() throws IOException {
    try {
      this.faces = load("haarcascade_frontalface_default.xml");
      this.eyes = load("haarcascade_eye.xml");
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      throw new IOException("OpenCV's object detection (Haar cascades) cannot load: " + e.getMessage()
          + ". The bytedeco OpenCV build links GTK 2 through its highgui module: install"
          + " libgtk2.0-0 (Debian/Ubuntu), or give already-cropped eyes with --eye-patches", e);
    }
  }

  private static CascadeClassifier load(String name) throws IOException {
    String resource = "/org/bytedeco/opencv/" + Loader.getPlatform()
        + "/share/opencv4/haarcascades/" + name;
    File file = Loader.cacheResource(opencv_objdetect.class, resource);
    if (file == null) {
      throw new IOException("Haar cascade " + name + " not found in the OpenCV jar (" + resource + ")");
    }
    CascadeClassifier c = new CascadeClassifier();
    if (!c.load(file.getAbsolutePath())) {
      c.close();
      throw new IOException("OpenCV could not load the Haar cascade " + file);
    }
    return c;
  }

  /**
   * Eye pairs in a grey image: faces whose eyes the eye cascade found first (largest first), then
   * faces placed by face-box geometry that overlap none of those.
   */
  public List<EyePair> detect(Mat gray) {
    if (closed) {
      throw new IllegalStateException("FaceEyeDetector is closed");
    }
    List<EyePair> pairs = new ArrayList<>();
    try (Mat eq = new Mat()) {
      opencv_imgproc.equalizeHist(gray, eq);
      List<Rect> found = faces(eq);
      found.sort(Comparator.comparingInt((Rect r) -> r.width() * r.height()).reversed());
      List<Rect> cascadeFaces = new ArrayList<>();
      List<EyePair> fallback = new ArrayList<>();
      List<Rect> fallbackFaces = new ArrayList<>();
      for (Rect face : found) {
        EyePair p = eyesInFace(eq, face);
        if (p.source().equals("cascade")) {
          pairs.add(p);
          cascadeFaces.add(face);
        } else {
          fallback.add(p);
          fallbackFaces.add(face);
        }
      }
      // A face whose eyes the cascade could not find, overlapping one where it could, is most
      // likely a false detection (hair, a forehead): keep only the better one.
      for (int i = 0; i < fallback.size(); i++) {
        Rect f = fallbackFaces.get(i);
        if (cascadeFaces.stream().noneMatch(c -> overlaps(c, f))) {
          pairs.add(fallback.get(i));
        }
      }
      if (pairs.isEmpty()) {
        EyePair p = eyesOnly(eq);
        if (p != null) {
          pairs.add(p);
        }
      }
    }
    return pairs;
  }

  /** Faces, searched on a copy at most {@link #FACE_SEARCH_WIDTH} wide (faster), in full-size pixels. */
  private List<Rect> faces(Mat eq) {
    double k = eq.cols() > FACE_SEARCH_WIDTH ? (double) FACE_SEARCH_WIDTH / eq.cols() : 1.0;
    int minFace = Math.max(48, Math.min(eq.cols(), eq.rows()) / 10);
    if (k == 1.0) {
      return detect(faces, eq, 1.1, 5, minFace);
    }
    List<Rect> out = new ArrayList<>();
    try (Mat small = new Mat();
        Size size = new Size(FACE_SEARCH_WIDTH, (int) Math.round(eq.rows() * k))) {
      opencv_imgproc.resize(eq, small, size, 0, 0, opencv_imgproc.INTER_AREA);
      for (Rect r : detect(faces, small, 1.1, 5, (int) Math.round(minFace * k))) {
        int x = (int) Math.round(r.x() / k);
        int y = (int) Math.round(r.y() / k);
        int w = Math.min((int) Math.round(r.width() / k), eq.cols() - x);
        int h = Math.min((int) Math.round(r.height() / k), eq.rows() - y);
        out.add(new Rect(x, y, w, h));
        r.close();
      }
    }
    return out;
  }

  private EyePair eyesInFace(Mat eq, Rect face) {
    int x = face.x();
    int y = face.y();
    int w = face.width();
    int h = face.height();
    int top = y + (int) (0.15 * h);
    int bottom = y + (int) (0.60 * h);
    List<Rect> candidates;
    try (Rect band = new Rect(x, top, w, bottom - top);
        Mat roi = new Mat(eq, band)) {
      candidates = detect(eyes, roi, 1.1, 3, Math.max(12, w / 10));
    }
    Rect left = null;
    Rect right = null;
    for (Rect r : candidates) {
      double cx = r.x() + r.width() / 2.0;
      if (cx < w / 2.0) {
        left = larger(left, r);
      } else {
        right = larger(right, r);
      }
    }
    if (left != null && right != null) {
      Eye l = fromBox(left, x, top);
      Eye r = fromBox(right, x, top);
      boolean plausible = Math.abs(r.cy - l.cy) < 0.25 * w && r.cx - l.cx > 0.2 * w;
      if (plausible) {
        return new EyePair(l, r, "cascade");
      }
    }
    double ew = FALLBACK_WIDTH * w;
    return new EyePair(
        new Eye(x + FALLBACK_X * w, y + FALLBACK_Y * h, ew),
        new Eye(x + (1 - FALLBACK_X) * w, y + FALLBACK_Y * h, ew),
        "geometry");
  }

  private EyePair eyesOnly(Mat eq) {
    List<Rect> c = detect(eyes, eq, 1.1, 3, Math.max(12, eq.cols() / 12));
    if (c.size() < 2) {
      return null;
    }
    c.sort(Comparator.comparingInt((Rect r) -> r.width() * r.height()).reversed());
    Rect a = c.get(0);
    Rect b = c.get(1);
    Eye ea = fromBox(a, 0, 0);
    Eye eb = fromBox(b, 0, 0);
    return ea.cx <= eb.cx ? new EyePair(ea, eb, "cascade") : new EyePair(eb, ea, "cascade");
  }

  private static Eye fromBox(Rect r, int dx, int dy) {
    return new Eye(dx + r.x() + r.width() / 2.0 - 0.5, dy + r.y() + r.height() / 2.0 - 0.5,
        EYE_WIDTH_OF_BOX * r.width());
  }

  static boolean overlaps(Rect a, Rect b) {
    return a.x() < b.x() + b.width() && b.x() < a.x() + a.width()
        && a.y() < b.y() + b.height() && b.y() < a.y() + a.height();
  }

  private static Rect larger(Rect a, Rect b) {
    return a == null || b.width() * b.height() > a.width() * a.height() ? b : a;
  }

  private static List<Rect> detect(CascadeClassifier c, Mat img, double scale, int neighbours, int minSize) {
    List<Rect> out = new ArrayList<>();
    try (RectVector v = new RectVector();
        Size min = new Size(minSize, minSize);
        Size max = new Size()) {
      c.detectMultiScale(img, v, scale, neighbours, 0, min, max);
      for (long i = 0; i < v.size(); i++) {
        Rect r = v.get(i);
        out.add(new Rect(r.x(), r.y(), r.width(), r.height()));
      }
    }
    return out;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    faces.close();
    eyes.close();
  }
}
