package io.github.trt4j.gazeml;

import java.util.List;
import java.util.Map;

/** The GazeML tests' JSON: the core's {@code TestJson} reader and the face-api.js references. */
final class MiniJson {

  private MiniJson() {}

  static Object parse(String text) {
    return io.github.trt4j.TestJson.parse(text);
  }

  /** The face-api.js reference entry for one image or video by name. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> faceApiEntry(java.nio.file.Path file, String name)
      throws java.io.IOException {
    Map<String, Object> root = (Map<String, Object>) parse(java.nio.file.Files.readString(file));
    for (Object o : (List<Object>) root.get("images")) {
      Map<String, Object> e = (Map<String, Object>) o;
      if (name.equals(e.get("name"))) {
        return e;
      }
    }
    throw new IllegalArgumentException(file + " has no entry '" + name + "'");
  }
}
