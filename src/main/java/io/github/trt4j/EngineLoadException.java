package io.github.trt4j;

/**
 * A serialized engine could not be loaded: empty, truncated, not a TensorRT plan, built with
 * another TensorRT version, built for another GPU, or rejected by TensorRT. The message names the
 * source and the reason.
 */
public class EngineLoadException extends TrtException {
  private static final long serialVersionUID = 1L;

  private final String source;

  public EngineLoadException(String source, String reason) {
    super(source + ": " + reason);
    this.source = source;
  }

  /** The file (or {@code <bytes>}) the engine came from. */
  public String source() {
    return source;
  }
}
