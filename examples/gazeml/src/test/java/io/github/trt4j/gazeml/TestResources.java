package io.github.trt4j.gazeml;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/**
 * This project's test resources (src/test/resources: clips, reference arrays), found on the class
 * path, so that they resolve wherever the tests run from: the repository root under Maven, or a GPU
 * host's unpacked working tree.
 */
final class TestResources {

  private TestResources() {}

  /** The file or directory {@code first/more...} under the test resources. */
  static Path path(String first, String... more) {
    StringBuilder name = new StringBuilder(first);
    for (String m : more) {
      name.append('/').append(m);
    }
    URL url = TestResources.class.getResource("/" + name);
    if (url == null) {
      throw new IllegalStateException("test resource " + name + " not on the class path");
    }
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
