package io.github.trt4j;

/**
 * A serialized engine could not be loaded: empty, truncated, not a TensorRT plan, built with
 * another TensorRT version, built for another GPU, or rejected by TensorRT. The message names the
 * source and the reason.
 */
public class EngineLoadException extends TrtException {
  private static final long serialVersionUID = 1L;

  /** The file (or {@code <N bytes>}) the engine came from. */
  private final String source;

  /**
   * An engine from {@code source} that could not be loaded, for {@code reason}.
   *
   * @param source the file (or {@code <N bytes>})
   * @param reason why it could not be loaded
   */
  public EngineLoadException(String source, String reason) {
    super(source + ": " + reason);
    this.source = source;
  }

  /** {@return the file (or {@code <bytes>}) the engine came from} */
  public String source() {
    return source;
  }
}
